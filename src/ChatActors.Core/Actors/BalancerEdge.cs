using System.Net.Sockets;
using Akka.Actor;
using Akka.Event;
using ChatActors.Messages;
using ChatActors.Net;
using ChatActors.Protocol;

namespace ChatActors.Actors;

/// <summary>
/// The balancer's TCP listener: for every connection it asks the <see cref="BalancerActor"/>
/// for a server, writes the one reply of PROTOCOL.md section 1 and closes.
/// </summary>
public sealed class BalancerEdge : ReceiveActor
{
    private readonly Socket _listener;
    private readonly IActorRef _balancer;
    private readonly TimeSpan _replyTimeout;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly CancellationTokenSource _accepting = new();

    public BalancerEdge(Socket listener, IActorRef balancer, TimeSpan replyTimeout)
    {
        _listener = listener;
        _balancer = balancer;
        _replyTimeout = replyTimeout;

        Receive<ConnectionAccepted>(accepted => _ = ReplyAsync(accepted.Socket, _balancer, _replyTimeout, _log));
        Receive<AcceptFailed>(failed => throw new InvalidOperationException("the balancer cannot accept connections", failed.Cause));
    }

    /// <param name="listener">A bound, listening socket; the actor owns it from now on.</param>
    public static Props Props(Socket listener, IActorRef balancer, TimeSpan replyTimeout) =>
        Akka.Actor.Props.Create(() => new BalancerEdge(listener, balancer, replyTimeout));

    protected override void PreStart() => _ = AcceptLoop.RunAsync(_listener, Self, _accepting.Token);

    protected override void PostStop()
    {
        _accepting.Cancel();
        _listener.Dispose();
    }

    private static async Task ReplyAsync(Socket client, IActorRef balancer, TimeSpan timeout, ILoggingAdapter log)
    {
        using (client)
        {
            string reply;
            try
            {
                reply = await balancer.Ask<object>(AssignServer.Instance, timeout) switch
                {
                    ServerAssigned assigned => Wire.ServerAddress(assigned.Host, assigned.Port),
                    _ => Wire.NoServerAvailable,
                };
            }
            catch (Exception ex) when (ex is AskTimeoutException or TaskCanceledException)
            {
                log.Warning("The balancer did not answer within {0}; told the client to wait", timeout);
                reply = Wire.NoServerAvailable;
            }

            try
            {
                await client.SendAsync(Wire.Encode(reply), SocketFlags.None);
                client.Shutdown(SocketShutdown.Both);
            }
            catch (SocketException)
            {
                // The client left before reading its reply; there is nobody to tell.
            }
        }
    }
}
