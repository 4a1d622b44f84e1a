using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.PublishSubscribe;

namespace ChatActors.Server;

/// <summary>
/// Holds a node's servers back until every reachable member of the cluster delivers chat
/// broadcasts to this node. DistributedPubSub learns of a node's subscribers by gossip and
/// silently drops what is published before that, so a server that took clients earlier
/// would miss their lines. It probes through each member's mediator until each has
/// delivered a probe back, then answers <see cref="AwaitTopicReady"/>.
/// </summary>
public sealed class TopicReadiness : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(200);
    private const string ProbeTimerKey = "probe";

    private readonly IActorRef _mediator;
    private readonly Cluster _cluster = Cluster.Get(Context.System);
    private readonly HashSet<string> _delivering = [];
    private readonly List<IActorRef> _waiting = [];

    public TopicReadiness(IActorRef mediator)
    {
        _mediator = mediator;
        Receive<SubscribeAck>(_ =>
        {
            Timers.StartPeriodicTimer(ProbeTimerKey, ProbeTick.Instance, ProbeInterval);
            Probe();
        });
        Receive<ProbeTick>(_ => Probe());
        Receive<TopicProbe>(probe =>
        {
            if (probe.ReplyTo.Equals(Self))
            {
                _delivering.Add(probe.Via);
            }
        });
        Receive<AwaitTopicReady>(_ => _waiting.Add(Sender));
        ReceiveAny(_ => { });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef mediator) => Akka.Actor.Props.Create(() => new TopicReadiness(mediator));

    protected override void PreStart() => _mediator.Tell(new Subscribe(ChatTopic.Name, Self));

    private void Probe()
    {
        var pending = _cluster.State.Members
            .Where(member => member.Status is MemberStatus.Up or MemberStatus.WeaklyUp && !_cluster.State.Unreachable.Contains(member))
            .Select(member => member.Address)
            .Where(address => !_delivering.Contains(address.ToString()))
            .ToList();
        if (pending.Count == 0 && _delivering.Count > 0)
        {
            Timers.Cancel(ProbeTimerKey);
            _waiting.ForEach(waiter => waiter.Tell(TopicReady.Instance));
            _waiting.Clear();
            Become(Ready);
            return;
        }

        foreach (var address in pending)
        {
            var mediator = Context.ActorSelection(new RootActorPath(address) / _mediator.Path.Elements);
            mediator.Tell(new Publish(ChatTopic.Name, new TopicProbe(Self, address.ToString())));
        }
    }

    private void Ready()
    {
        Receive<AwaitTopicReady>(_ => Sender.Tell(TopicReady.Instance));
        ReceiveAny(_ => { });
    }

    private sealed record ProbeTick
    {
        public static readonly ProbeTick Instance = new();
    }
}

/// <summary>Asks <see cref="TopicReadiness"/> to answer <see cref="TopicReady"/> once every member delivers broadcasts to this node.</summary>
public sealed record AwaitTopicReady
{
    public static readonly AwaitTopicReady Instance = new();
}

public sealed record TopicReady
{
    public static readonly TopicReady Instance = new();
}
