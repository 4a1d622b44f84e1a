using System.Net.Sockets;
using Akka.Actor;
using Akka.Event;
using ChatActors.Messages;
using ChatActors.Net;
using ChatActors.Protocol;

namespace ChatActors.Actors;

/// <summary>
/// The balancer's TCP listener: for every connection it asks the <see cref="BalancerActor"/>
/// for a server, has the stats actor count the approach with the answer it got, and only
/// then writes the one reply of PROTOCOL.md section 1 and closes. An approach that cannot
/// be counted gets no reply.
/// </summary>
public sealed class BalancerEdge : ReceiveActor
{
    private readonly Socket _listener;
    private readonly IActorRef _balancer;
    private readonly IActorRef _stats;
    private readonly TimeSpan _replyTimeout;
    private readonly CountWaits _counting;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly CancellationTokenSource _accepting = new();

    public BalancerEdge(Socket listener, IActorRef balancer, IActorRef stats, TimeSpan replyTimeout, CountWaits counting)
    {
        _listener = listener;
        _balancer = balancer;
        _stats = stats;
        _replyTimeout = replyTimeout;
        _counting = counting;

        Receive<ConnectionAccepted>(accepted => _ = ReplyAsync(accepted.Socket));
        Receive<AcceptFailed>(failed => throw new InvalidOperationException("the balancer cannot accept connections", failed.Cause));
    }

    /// <param name="listener">A bound, listening socket; the actor owns it from now on.</param>
    public static Props Props(Socket listener, IActorRef balancer, IActorRef stats, TimeSpan replyTimeout, CountWaits counting) =>
        Akka.Actor.Props.Create(() => new BalancerEdge(listener, balancer, stats, replyTimeout, counting));

    protected override void PreStart() => _ = AcceptLoop.RunAsync(_listener, Self, _accepting.Token);

    protected override void PostStop()
    {
        _accepting.Cancel();
        _listener.Dispose();
    }

    /// <summary>Runs outside the actor: it reads only fields that never change.</summary>
    private async Task ReplyAsync(Socket client)
    {
        using (client)
        {
            string reply;
            try
            {
                reply = await _balancer.Ask<object>(AssignServer.Instance, _replyTimeout) switch
                {
                    ServerAssigned assigned => Wire.ServerAddress(assigned.Host, assigned.Port),
                    _ => Wire.NoServerAvailable,
                };
            }
            catch (Exception ex) when (ex is AskTimeoutException or TaskCanceledException)
            {
                _log.Warning("The balancer did not answer within {0}; telling the client to wait", _replyTimeout);
                reply = Wire.NoServerAvailable;
            }

            var turnedAway = reply == Wire.NoServerAvailable;
            if (!await _counting.IsCountedAsync(_stats, deadline => new CountApproach(turnedAway, deadline)))
            {
                _log.Warning("An approach could not be counted; the client got no reply");
                return;
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
