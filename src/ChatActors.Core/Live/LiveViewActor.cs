using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.PublishSubscribe;
using ChatActors.Server;
using ChatActors.Stats;

namespace ChatActors.Live;

/// <summary>Where a live view is drawn; <see cref="Show"/> must not block (the actor calls it).</summary>
public interface ILiveScreen
{
    void Show(LiveModel model);
}

/// <summary>
/// Keeps the <see cref="LiveModel"/> of the whole cluster for one node's console, fed by the
/// actors that own the figures: the stats actor's counters, every server's <see cref="ServerShown"/>
/// and <see cref="LiveEvent"/>s on the live-view topic, and the cluster's own membership events.
/// </summary>
public sealed class LiveViewActor : ReceiveActor, IWithTimers
{
    // A server that starts on another node after this view asked, or whose news was sent
    // before pub/sub gossip told its node of this view, would be missing until a client
    // joins it: the view asks the servers again this often.
    private static readonly TimeSpan AskServersAgainEvery = TimeSpan.FromSeconds(5);

    private readonly IActorRef _feed;
    private readonly IActorRef _stats;
    private readonly ILiveScreen _screen;
    private readonly Dictionary<IActorRef, string> _servers = new();
    private LiveModel _model = LiveModel.Empty;

    /// <param name="feed">The DistributedPubSub mediator: the live-view topic it listens to, and the chat topic it asks the servers on.</param>
    public LiveViewActor(IActorRef feed, IActorRef stats, ILiveScreen screen)
    {
        _feed = feed;
        _stats = stats;
        _screen = screen;

        Receive<SubscribeAck>(_ =>
        {
            // Subscribed: from now on no news is missed, so ask for what is there already. The
            // servers hear it on the chat topic they hold anyway, so that the live-view news
            // reaches only the views.
            AskServers();
            Timers.StartPeriodicTimer(AskServersAgain.Instance, AskServersAgain.Instance, AskServersAgainEvery);
            _stats.Tell(GetStats.Instance);
        });
        Receive<AskServersAgain>(_ => AskServers());
        Receive<StatsSnapshot>(stats => Update(_model with { Stats = stats }));
        Receive<ServerShown>(server =>
        {
            if (_servers.TryAdd(server.Server, server.Name))
            {
                Context.Watch(server.Server);
            }

            Update(_model.With(server));
        });
        Receive<LiveEvent>(happened => Update(_model.With(happened)));
        Receive<Terminated>(terminated =>
        {
            if (_servers.Remove(terminated.ActorRef, out var name))
            {
                Update(_model.Without(name).With(new LiveEvent(DateTime.Now, $"{name} is down")));
            }
        });
        Receive<ClusterEvent.MemberUp>(up => Happened($"node {Node(up.Member)} is up"));
        Receive<ClusterEvent.MemberRemoved>(removed => Happened($"node {Node(removed.Member)} is gone"));
        Receive<ClusterEvent.UnreachableMember>(unreachable => Happened($"node {Node(unreachable.Member)} is unreachable"));
        Receive<ClusterEvent.ReachableMember>(reachable => Happened($"node {Node(reachable.Member)} is reachable again"));
        ReceiveAny(_ => { });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef feed, IActorRef stats, ILiveScreen screen) =>
        Akka.Actor.Props.Create(() => new LiveViewActor(feed, stats, screen));

    protected override void PreStart()
    {
        _screen.Show(_model);
        _feed.Tell(new Subscribe(LiveViewTopic.Name, Self));
        if (Context.System is ExtendedActorSystem { Provider: IClusterActorRefProvider })
        {
            Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
        }
    }

    protected override void PostStop()
    {
        if (Context.System is ExtendedActorSystem { Provider: IClusterActorRefProvider })
        {
            Cluster.Get(Context.System).Unsubscribe(Self);
        }
    }

    private void AskServers() => _feed.Tell(new Publish(ChatTopic.Name, new ShowLiveView(Self)));

    private static string Node(Member member) => $"{member.Address.Host}:{member.Address.Port}";

    private void Happened(string text) => Update(_model.With(new LiveEvent(DateTime.Now, text)));

    private void Update(LiveModel model)
    {
        _model = model;
        _screen.Show(model);
    }

    private sealed record AskServersAgain
    {
        public static readonly AskServersAgain Instance = new();
    }
}
