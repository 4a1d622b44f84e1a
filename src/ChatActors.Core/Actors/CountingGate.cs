using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using ChatActors.Hosting;
using ChatActors.Messages;

namespace ChatActors.Actors;

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
/// sent to it shortly before may have been journaled or lost with it; its answer never comes.
/// Rather than keep the client waiting for the journal's whole patience, every requester of a
/// join, an approach or a refusal sent within <paramref name="uncertainWithin"/> is told
/// <see cref="CountUncertain"/> then, and answers its client as if the node had died. A leave
/// still waits, as it always has: its close tells the client that its rating counts.
/// </para>
/// </summary>
public sealed class CountingGate : ReceiveActor
{
    private readonly IActorRef _stats;
    private readonly TimeSpan _uncertainWithin;
    private readonly TimeProvider _clock;
    private readonly Queue<(IActorRef Requester, DateTimeOffset SentAt)> _inFlight = new();
    private readonly Dictionary<UniqueAddress, Member> _members = new();
    private readonly HashSet<UniqueAddress> _unreachable = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private bool _canCount = true;
    private UniqueAddress? _statsHost;

    public CountingGate(IActorRef stats, TimeSpan uncertainWithin, TimeProvider clock)
    {
        _stats = stats;
        _uncertainWithin = uncertainWithin;
        _clock = clock;
        // The gate keeps its own view of the members, from the events in their order: the cluster's
        // shared state may already lack a member whose removal has not reached the gate yet.
        Receive<ClusterEvent.CurrentClusterState>(state =>
        {
            foreach (var member in state.Members)
            {
                _members[member.UniqueAddress] = member;
            }

            _unreachable.UnionWith(state.Unreachable.Select(member => member.UniqueAddress));
            Update();
        });
        Receive<ClusterEvent.MemberRemoved>(removed =>
        {
            if (removed.Member.UniqueAddress.Equals(_statsHost))
            {
                TellUncertain();
            }

            _members.Remove(removed.Member.UniqueAddress);
            _unreachable.Remove(removed.Member.UniqueAddress);
            Update();
        });
        Receive<ClusterEvent.IMemberEvent>(changed =>
        {
            _members[changed.Member.UniqueAddress] = changed.Member;
            Update();
        });
        Receive<ClusterEvent.UnreachableMember>(unreachable =>
        {
            _unreachable.Add(unreachable.Member.UniqueAddress);
            Update();
        });
        Receive<ClusterEvent.ReachableMember>(reachable =>
        {
            _unreachable.Remove(reachable.Member.UniqueAddress);
            Update();
        });
        Receive<ClusterEvent.IClusterDomainEvent>(_ => { });
        Receive<StatsHostLost>(_ => TellUncertain());
        Receive<RecordLeave>(leave => _stats.Forward(leave));
        Receive<ICountRequest>(Count);
        ReceiveAny(message => _stats.Forward(message));
    }

    public static Props Props(IActorRef stats, TimeSpan uncertainWithin, TimeProvider clock) =>
        Akka.Actor.Props.Create(() => new CountingGate(stats, uncertainWithin, clock));

    protected override void PreStart() =>
        Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot, typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));

    protected override void PostStop() => Cluster.Get(Context.System).Unsubscribe(Self);

    private void Count(ICountRequest request)
    {
        if (!_canCount)
        {
            Sender.Tell(CountRefused.Instance);
            return;
        }

        var now = _clock.GetUtcNow();
        while (_inFlight.TryPeek(out var oldest) && now - oldest.SentAt > _uncertainWithin)
        {
            _inFlight.Dequeue();
        }

        _inFlight.Enqueue((Sender, now));
        _stats.Forward(request);
    }

    /// <summary>Requesters that already have their answer ignore this; the others stop waiting.</summary>
    private void TellUncertain()
    {
        var since = _clock.GetUtcNow() - _uncertainWithin;
        var told = 0;
        while (_inFlight.TryDequeue(out var sent))
        {
            if (sent.SentAt >= since)
            {
                sent.Requester.Tell(CountUncertain.Instance);
                told++;
            }
        }

        _log.Warning("The node of the stats actor is gone: {0} counts sent in the last {1} s may have been lost with it; their clients are answered as if their own node had died", told, _uncertainWithin.TotalSeconds);
    }

    private void Update()
    {
        // A downed member holds the singleton until it is removed: only then does the next oldest take over.
        _statsHost = _members.Values
            .Where(member => member.HasRole(ChatNode.StorageRole) && member.Status is MemberStatus.Up or MemberStatus.Leaving or MemberStatus.Exiting or MemberStatus.Down)
            .OrderBy(member => member, Member.AgeOrdering)
            .FirstOrDefault()?.UniqueAddress ?? _statsHost;
        var canCount = _members.Values.Any(member => member.HasRole(ChatNode.StorageRole) && member.Status == MemberStatus.Up && !_unreachable.Contains(member.UniqueAddress));
        if (canCount == _canCount)
        {
            return;
        }

        _canCount = canCount;
        if (canCount)
        {
            _log.Info("A storage member is reachable again: joins and approaches are counted again");
        }
        else
        {
            _log.Warning("No storage member is up and reachable, so nothing can be counted: joins fail and the balancer gives no answer until one is");
        }
    }

    /// <summary>The member that ran the stats singleton was removed from the cluster.</summary>
    public sealed record StatsHostLost
    {
        public static readonly StatsHostLost Instance = new();
    }
}
