using System.Net.Sockets;
using Akka.Actor;

namespace ChatActors.Net;

/// <summary>A connection the listener accepted, delivered to the actor that owns the listener.</summary>
public sealed record ConnectionAccepted(Socket Socket);

/// <summary>The listener failed for a reason other than being closed by its owner.</summary>
public sealed record AcceptFailed(Exception Cause);

/// <summary>Accepts connections on a bound socket and hands each to its owning actor as a message.</summary>
public static class AcceptLoop
{
    public static async Task RunAsync(Socket listener, IActorRef owner, CancellationToken stopping)
    {
        try
        {
            while (true)
            {
                var socket = await listener.AcceptAsync(stopping);
                socket.NoDelay = true;
                owner.Tell(new ConnectionAccepted(socket));
            }
        }
        catch (Exception ex) when (stopping.IsCancellationRequested || ex is ObjectDisposedException)
        {
            // The owner closed the listener: nothing more to accept.
        }
        catch (Exception ex)
        {
            owner.Tell(new AcceptFailed(ex));
        }
    }
}
