using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using ChatActors.Hosting;
using ChatActors.Messages;

namespace ChatActors.Actors;

/// <summary>
/// Stands in front of the stats singleton on each node. While no member of the storage role is
/// up and reachable (a node left alone when the cluster it joined stopped), nothing can be
/// counted: a join, an approach or a refusal gets <see cref="CountRefused"/> at once instead of
/// waiting for a stats actor that cannot come, so its client hears so at once (a join gets
/// <c>ERROR join failed, try again</c>, an approach no reply). A leave still waits, as it
/// always has, for a stats actor to count it. One log line says when counting stops and resumes.
/// </summary>
public sealed class CountingGate : ReceiveActor
{
    private readonly IActorRef _stats;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private bool _canCount = true;

    public CountingGate(IActorRef stats)
    {
        _stats = stats;
        Receive<ClusterEvent.IClusterDomainEvent>(_ => Update());
        Receive<RecordLeave>(leave => _stats.Forward(leave));
        Receive<ICountRequest>(request =>
        {
            if (_canCount)
            {
                _stats.Forward(request);
            }
            else
            {
                Sender.Tell(CountRefused.Instance);
            }
        });
        ReceiveAny(message => _stats.Forward(message));
    }

    public static Props Props(IActorRef stats) => Akka.Actor.Props.Create(() => new CountingGate(stats));

    protected override void PreStart() =>
        Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));

    protected override void PostStop() => Cluster.Get(Context.System).Unsubscribe(Self);

    private void Update()
    {
        var state = Cluster.Get(Context.System).State;
        var canCount = state.Members.Any(member => member.HasRole(ChatNode.StorageRole) && member.Status == MemberStatus.Up && !state.Unreachable.Contains(member));
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
}
