using Akka.Actor;
using Akka.Cluster;
using Akka.Event;

namespace ChatActors.Stats;

/// <summary>
/// Stands in front of the stats singleton on each node.
/// <para>
/// While no member of the storage role is up and reachable (a node left alone when the cluster
/// it joined stopped), nothing can be counted: a join, an approach or a refusal gets
/// <see cref="CountRefused"/> at once instead of waiting for a stats actor that cannot come, so
/// its client hears so at once (a join gets <c>ERROR join failed, try again</c>, an approach no
/// reply). One log line says when counting stops and resumes.
/// </para>
/// <para>
/// When the node that runs the stats singleton (the oldest storage member) is removed, a count
/// sent to it before may have been journaled or lost with it; its answer never comes. That
/// holds for any count still unanswered: one sent after the node died, while the cluster was
/// still finding out, as much as one its journal was writing. Rather than keep the client
/// waiting for the journal's whole patience, every requester of a join, an approach or a
/// refusal whose count is unanswered is told <see cref="CountUncertain"/> then, and answers its
/// client as if the node had died. So the gate asks the stats actor itself and passes each
/// answer on: it holds a requester exactly as long as its count is open, and no longer than
/// <see cref="CountWaits.AnswerWithin"/> (the longest a requester waits). A leave still waits,
/// as it always has: its close tells the client that its rating counts.
/// </para>
/// </summary>
public sealed class CountingGate : ReceiveActor
{
    private readonly IActorRef _stats;
    private readonly TimeSpan _answerWithin;
    private readonly Dictionary<long, IActorRef> _open = [];
    private readonly StorageMembers _storage = new();
    private readonly Cluster _cluster = Cluster.Get(Context.System);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private bool _canCount = true;
    private bool _selfUp;
    private bool _toldCannotCount;
    private long _lastCount;

    public CountingGate(IActorRef stats, CountWaits waits)
    {
        _stats = stats;
        _answerWithin = waits.AnswerWithin;
        Receive<ClusterEvent.CurrentClusterState>(ClusterChanged);
        Receive<ClusterEvent.IClusterDomainEvent>(ClusterChanged);
        Receive<StatsHostLost>(_ => TellUncertain());
        Receive<RecordLeave>(leave => _stats.Forward(leave));
        Receive<ICountRequest>(Count);
        Receive<Answered>(PassOn);
        Receive<Unanswered>(unanswered => _open.Remove(unanswered.Count));
        ReceiveAny(message => _stats.Forward(message));
    }

    public static Props Props(IActorRef stats, CountWaits waits) =>
        Akka.Actor.Props.Create(() => new CountingGate(stats, waits));

    protected override void PreStart() =>
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot, typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private void ClusterChanged(object clusterEvent)
    {
        if (_storage.Apply(clusterEvent))
        {
            TellUncertain();
        }

        _selfUp = clusterEvent switch
        {
            ClusterEvent.CurrentClusterState state => state.Members.Any(member => IsSelf(member) && member.Status == MemberStatus.Up),
            ClusterEvent.IMemberEvent changed when IsSelf(changed.Member) => changed.Member.Status == MemberStatus.Up,
            _ => _selfUp,
        };
        UpdateCanCount();
    }

    private void Count(ICountRequest request)
    {
        if (!_canCount)
        {
            Sender.Tell(CountRefused.Instance);
            return;
        }

        var count = ++_lastCount;
        _open.Add(count, Sender);
        // The requester gives up after AnswerWithin, and so does the gate: nothing is held longer.
        _stats.Ask<object>(request, _answerWithin)
            .PipeTo(Self, success: answer => new Answered(count, answer), failure: _ => new Unanswered(count));
    }

    /// <summary>An answer that comes after its requester was told uncertain is not passed on: the requester has answered its client already.</summary>
    private void PassOn(Answered answered)
    {
        if (_open.Remove(answered.Count, out var requester))
        {
            requester.Tell(answered.Answer);
        }
    }

    private void TellUncertain()
    {
        if (_open.Count == 0)
        {
            return;
        }

        foreach (var requester in _open.Values)
        {
            requester.Tell(CountUncertain.Instance);
        }

        // Each of them answers its client as if its own node had died.
        _log.Warning("The stats actor's node is gone: {0} counts still unanswered are given up", _open.Count);
        _open.Clear();
    }

    private bool IsSelf(Member member) => member.UniqueAddress.Equals(_cluster.SelfUniqueAddress);

    /// <summary>
    /// A node that is still joining has no storage member up yet, nor any server listening, and a
    /// node that is leaving takes its storage role with it: only while it is up itself does a
    /// missing storage member mean that its clients cannot be counted.
    /// </summary>
    private void UpdateCanCount()
    {
        _canCount = _storage.CanCount;
        if (!_canCount && _selfUp && !_toldCannotCount)
        {
            _toldCannotCount = true;
            _log.Warning("No storage member is up and reachable, so nothing can be counted: joins fail and the balancer gives no answer until one is");
        }
        else if (_canCount && _toldCannotCount)
        {
            _toldCannotCount = false;
            _log.Info("A storage member is reachable again: joins and approaches are counted again");
        }
    }

    private sealed record Answered(long Count, object Answer);

    private sealed record Unanswered(long Count);

    /// <summary>The member that ran the stats singleton was removed from the cluster (its node's events say so).</summary>
    public sealed record StatsHostLost
    {
        public static readonly StatsHostLost Instance = new();
    }
}
