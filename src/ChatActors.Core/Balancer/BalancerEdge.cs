using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using ChatActors.Admin;
using Akka.Event;
using ChatActors.Live;
using ChatActors.Net;
using ChatActors.Protocol;
using ChatActors.Session;
using ChatActors.Stats;

namespace ChatActors.Balancer;

/// <summary>
/// The balancer's TCP listener: for every connection it asks the <see cref="BalancerActor"/>
/// for a server, has the stats actor count the approach with the answer it got, and only
/// then writes the one reply of PROTOCOL.md section 1 and closes. An approach that cannot
/// be counted gets no reply. An address that connects faster than its limit allows gets
/// <c>SNA wait</c> through <see cref="ConnectionRefusals"/> without asking the balancer,
/// the one refusal every client of the protocol understands. Its port listens only once the
/// balancer knows a server: before that, every client would be told <c>SNA wait</c> and counted lost.
/// </summary>
public sealed class BalancerEdge : ReceiveActor, IWithTimers
{
    private static readonly byte[] Refused = Wire.Encode(Wire.NoServerAvailable);
    private static readonly TimeSpan AskServersAgainEvery = TimeSpan.FromSeconds(2);
    private readonly Socket _listener;
    private readonly IActorRef _balancer;
    private readonly IActorRef _stats;
    private readonly TimeSpan _replyTimeout;
    private readonly CountWaits _counting;
    private readonly AddressLimits _limits;
    private readonly IActorRef _liveFeed;
    private readonly ChatMetrics _metrics;
    private readonly IActorRef _refusals;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly CancellationTokenSource _accepting = new();
    private readonly Dictionary<IPAddress, TokenBucket> _connects = new();
    private readonly List<IActorRef> _awaitingListening = [];

    /// <param name="liveFeed">The mediator of the live-view topic, told of every client turned away.</param>
    public BalancerEdge(Socket listener, IActorRef balancer, IActorRef stats, TimeSpan replyTimeout, CountWaits counting, AddressLimits limits, IActorRef liveFeed, ChatMetrics metrics)
    {
        _listener = listener;
        _balancer = balancer;
        _stats = stats;
        _replyTimeout = replyTimeout;
        _counting = counting;
        _limits = limits;
        _liveFeed = liveFeed;
        _metrics = metrics;
        _refusals = Context.ActorOf(ConnectionRefusals.Props(stats, counting, atBalancer: true, "The balancer", metrics), "refusals");

        WaitingForServers();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="listener">A bound socket, not listening yet; the actor owns it from now on.</param>
    public static Props Props(Socket listener, IActorRef balancer, IActorRef stats, TimeSpan replyTimeout, CountWaits counting, AddressLimits limits, IActorRef liveFeed, ChatMetrics metrics) =>
        Akka.Actor.Props.Create(() => new BalancerEdge(listener, balancer, stats, replyTimeout, counting, limits, liveFeed, metrics));

    private static TimeSpan Now => TimeSpan.FromMilliseconds(Environment.TickCount64);

    /// <summary>The balancer singleton may move or not be found yet, so the edge asks again until it is answered.</summary>
    protected override void PreStart()
    {
        _balancer.Tell(AwaitServersServing.Instance);
        Timers.StartPeriodicTimer(AskForServers.Instance, AskForServers.Instance, AskServersAgainEvery);
    }

    private void WaitingForServers()
    {
        Receive<AskForServers>(_ => _balancer.Tell(AwaitServersServing.Instance));
        Receive<ServersServing>(_ => StartListening());
        Receive<AwaitEdgeListening>(_ => _awaitingListening.Add(Sender));
    }

    private void Listening()
    {
        Receive<AwaitEdgeListening>(_ => Sender.Tell(EdgeListening.Instance));
        // The answer to an ask repeated before the first answer came.
        Receive<ServersServing>(_ => { });
        Receive<ConnectionAccepted>(accepted => Answer(accepted.Socket));
        Receive<ForgetIdleAddresses>(_ => ForgetFullBuckets());
        Receive<AcceptFailed>(failed => throw new InvalidOperationException("the balancer cannot accept connections", failed.Cause));
    }

    private void StartListening()
    {
        Timers.Cancel(AskForServers.Instance);
        _listener.Listen();
        _ = AcceptLoop.RunAsync(_listener, Self, _accepting.Token);
        Timers.StartPeriodicTimer(ForgetIdleAddresses.Instance, ForgetIdleAddresses.Instance, TimeSpan.FromSeconds(10));
        _awaitingListening.ForEach(waiter => waiter.Tell(EdgeListening.Instance));
        _awaitingListening.Clear();
        Become(Listening);
    }

    protected override void PostStop()
    {
        _accepting.Cancel();
        _listener.Dispose();
    }

    private void Answer(Socket client)
    {
        var address = _limits.LimitedAddress(client.RemoteEndPoint);
        if (address is null)
        {
            _ = ReplyAsync(client, AssignServer.Unlimited);
            return;
        }

        if (!_connects.TryGetValue(address, out var connects))
        {
            connects = new TokenBucket(_limits.BalancerConnectsPerSecond, _limits.BalancerConnectBurst);
            _connects[address] = connects;
        }

        if (connects.TryTake(1, Now))
        {
            _ = ReplyAsync(client, new AssignServer(address.ToString()));
        }
        else
        {
            _refusals.Tell(new RefuseConnection(client, address, Refused));
        }
    }

    /// <summary>An address whose bucket is full again is as if it had never connected; forgetting it keeps the map as small as the addresses connecting now.</summary>
    private void ForgetFullBuckets()
    {
        foreach (var address in _connects.Where(pair => pair.Value.IsFull(Now)).Select(pair => pair.Key).ToList())
        {
            _connects.Remove(address);
        }
    }

    /// <summary>Runs outside the actor: it reads only fields that never change.</summary>
    private async Task ReplyAsync(Socket client, AssignServer assign)
    {
        using (client)
        {
            string reply;
            try
            {
                reply = await _balancer.Ask<object>(assign, _replyTimeout, _accepting.Token) switch
                {
                    ServerAssigned assigned => Wire.ServerAddress(assigned.Host, assigned.Port),
                    _ => Wire.NoServerAvailable,
                };
            }
            catch (OperationCanceledException) when (_accepting.IsCancellationRequested)
            {
                return; // The edge stopped: its node is going away, and the client asks again.
            }
            catch (Exception ex) when (ex is AskTimeoutException or TaskCanceledException)
            {
                _log.Warning("The balancer did not answer within {0}; telling the client to wait", _replyTimeout);
                reply = Wire.NoServerAvailable;
            }

            var turnedAway = reply == Wire.NoServerAvailable;
            if (!await _counting.IsCountedAsync(_stats, deadline => new CountApproach(turnedAway, deadline), _accepting.Token))
            {
                _log.Warning("An approach could not be counted; the client got no reply");
                return;
            }

            _metrics.Approached(turnedAway);

            if (turnedAway)
            {
                LiveViewTopic.Publish(_liveFeed, new LiveEvent(DateTime.Now, "a client was told SNA wait: no server can take it"));
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

    private sealed record AskForServers
    {
        public static readonly AskForServers Instance = new();
    }

    private sealed record ForgetIdleAddresses
    {
        public static readonly ForgetIdleAddresses Instance = new();
    }
}
