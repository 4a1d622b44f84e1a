using Akka.Actor;
using Akka.Cluster;
using Akka.Event;

namespace ChatActors.Hosting;

/// <summary>Logs every membership and reachability change of the cluster as one readable line.</summary>
public sealed class ClusterEventLogger : ReceiveActor
{
    private readonly Cluster _cluster = Cluster.Get(Context.System);
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public ClusterEventLogger()
    {
        Receive<ClusterEvent.MemberUp>(up => _log.Info("Cluster: node {0} is up (roles: {1})", up.Member.Address, Roles(up.Member)));
        Receive<ClusterEvent.MemberLeft>(left => _log.Info("Cluster: node {0} is leaving", left.Member.Address));
        Receive<ClusterEvent.MemberDowned>(downed => _log.Info("Cluster: node {0} was downed", downed.Member.Address));
        Receive<ClusterEvent.MemberRemoved>(removed => _log.Info("Cluster: node {0} is gone (removed, was {1})", removed.Member.Address, removed.PreviousStatus));
        Receive<ClusterEvent.UnreachableMember>(unreachable => _log.Warning("Cluster: node {0} is unreachable", unreachable.Member.Address));
        Receive<ClusterEvent.ReachableMember>(reachable => _log.Info("Cluster: node {0} is reachable again", reachable.Member.Address));
        ReceiveAny(_ => { });
    }

    public static Props Props() => Akka.Actor.Props.Create(() => new ClusterEventLogger());

    protected override void PreStart() =>
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private static string Roles(Member member) => member.Roles.Count == 0 ? "none" : string.Join(", ", member.Roles);
}
