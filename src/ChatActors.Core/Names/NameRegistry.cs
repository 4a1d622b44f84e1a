using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using ChatActors.Hosting;
using ChatActors.Protocol;
using ChatActors.Server;

namespace ChatActors.Names;

/// <summary>
/// Owns the names of the clients online in the whole cluster (a cluster singleton), so that
/// no two sessions share one. When it starts, on a new node after a move or after a restart,
/// it relearns every name the servers' sessions hold before it answers a claim. The names of
/// a node removed from the cluster stay taken for the downing margin: on the other side of a
/// split, that node downs itself and turns its clients away within that time. They are free at
/// once when the node joins again on its address (run.ps1 starts a killed node again): only one
/// process can listen on an address, so the old one is gone, with no side left to serve them.
/// </summary>
public sealed class NameRegistry : ReceiveActor, IWithTimers, IWithStash
{
    private static readonly TimeSpan ReleaseGrace = TimeSpan.FromSeconds(2);

    private readonly Dictionary<string, IActorRef> _owners = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, List<string>> _departed = new();
    private readonly Dictionary<Address, HashSet<IActorRef>> _heldForRemovedNodes = new();
    private readonly IActorRef _chatTopic;
    private readonly TimeSpan _relearnWindow;
    private readonly TimeSpan _removedNodeMargin;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private Cluster? _cluster;

    public NameRegistry(IActorRef chatTopic, TimeSpan relearnWindow, TimeSpan removedNodeMargin)
    {
        _chatTopic = chatTopic;
        _relearnWindow = relearnWindow;
        _removedNodeMargin = removedNodeMargin;
        Receive<ServerStatus>(Relearn);
        Receive<RelearnWindowEnded>(_ =>
        {
            _log.Info("Name registry serving on {0} with {1} names online", SingletonLocation.Of(Context.System), _owners.Count);
            Become(Serving);
            Stash.UnstashAll();
        });
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        ReceiveAny(_ => Stash.Stash());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public IStash Stash { get; set; } = null!;

    public static Props Props(IActorRef chatTopic, TimeSpan relearnWindow, TimeSpan removedNodeMargin) =>
        Akka.Actor.Props.Create(() => new NameRegistry(chatTopic, relearnWindow, removedNodeMargin));

    protected override void PreStart()
    {
        if (Context.System is ExtendedActorSystem { Provider: IClusterActorRefProvider })
        {
            _cluster = Cluster.Get(Context.System);
            _cluster.Subscribe(
                Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
                typeof(ClusterEvent.MemberJoined), typeof(ClusterEvent.MemberWeaklyUp), typeof(ClusterEvent.MemberUp));
        }

        ServerStatusRequest.Publish(_chatTopic, Self, Timers, _relearnWindow);
    }

    protected override void PostStop() => _cluster?.Unsubscribe(Self);

    private void Serving()
    {
        Receive<ClaimName>(claim =>
        {
            if (Own(claim.Name, Sender))
            {
                Sender.Tell(new NameClaimed(claim.Name));
            }
            else
            {
                Sender.Tell(new NameInUse(claim.Name));
            }
        });
        Receive<ReleaseName>(release =>
        {
            if (_departed.TryGetValue(Sender, out var departedNames))
            {
                departedNames.Remove(release.Name);
            }

            if (_owners.TryGetValue(release.Name, out var owner) && owner.Equals(Sender))
            {
                _owners.Remove(release.Name);
                Context.Unwatch(owner);
            }
        });
        Receive<ServerStatus>(Relearn);
        Receive<Terminated>(terminated =>
        {
            if (!_owners.ContainsValue(terminated.ActorRef))
            {
                return;
            }

            if (terminated.AddressTerminated)
            {
                HoldNamesOfRemovedNode(terminated.ActorRef);
                return;
            }

            // A session that ends releases its names and sends its own exit line, but its death
            // watch can overtake the release (which comes through a proxy). Names not released
            // soon after belong to a session that could not say goodbye. The others are told here.
            _departed[terminated.ActorRef] = FreeNamesOf(terminated.ActorRef);
            Timers.StartSingleTimer(terminated.ActorRef, new AnnounceExits(terminated.ActorRef), ReleaseGrace);
        });
        Receive<FreeNamesOfRemovedNode>(free =>
        {
            var node = free.Session.Path.Address;
            if (_heldForRemovedNodes.TryGetValue(node, out var sessions) && sessions.Remove(free.Session) && sessions.Count == 0)
            {
                _heldForRemovedNodes.Remove(node);
            }

            AnnounceExitsOf(FreeNamesOf(free.Session));
        });
        // Only members joining or up are subscribed to; at a removed node's address that is its new incarnation.
        Receive<ClusterEvent.IMemberEvent>(joined => FreeNamesHeldFor(joined.Member.Address));
        Receive<AnnounceExits>(announce =>
        {
            if (_departed.Remove(announce.Session, out var names))
            {
                AnnounceExitsOf(names);
            }
        });
    }

    /// <summary>
    /// The session's node left the cluster unreachable: it may still be serving on its side of a
    /// split until it downs itself, so the session's names stay taken until then, unless that
    /// node is back already as a new incarnation (Akka lets one join only once the old is removed).
    /// </summary>
    private void HoldNamesOfRemovedNode(IActorRef session)
    {
        var node = session.Path.Address;
        if (_cluster is not null && _cluster.State.Members.Any(member => member.Address.Equals(node) && member.Status is MemberStatus.Joining or MemberStatus.WeaklyUp or MemberStatus.Up))
        {
            AnnounceExitsOf(FreeNamesOf(session));
            return;
        }

        if (!_heldForRemovedNodes.TryGetValue(node, out var sessions))
        {
            _heldForRemovedNodes[node] = sessions = [];
        }

        sessions.Add(session);
        Timers.StartSingleTimer(session, new FreeNamesOfRemovedNode(session), _removedNodeMargin);
    }

    private void FreeNamesHeldFor(Address node)
    {
        if (!_heldForRemovedNodes.Remove(node, out var sessions))
        {
            return;
        }

        foreach (var session in sessions)
        {
            Timers.Cancel(session);
            AnnounceExitsOf(FreeNamesOf(session));
        }
    }

    private List<string> FreeNamesOf(IActorRef session)
    {
        var names = _owners.Where(pair => pair.Value.Equals(session)).Select(pair => pair.Key).ToList();
        names.ForEach(name => _owners.Remove(name));
        return names;
    }

    private void AnnounceExitsOf(List<string> names)
    {
        foreach (var name in names)
        {
            _chatTopic.Tell(new Publish(ChatTopic.Name, new ChatLines(Wire.EncodeLine(Wire.ExitLine(name)), ActorRefs.Nobody)));
        }
    }

    /// <summary>A server's sessions own these names already; a session the registry already knows keeps its own.</summary>
    private void Relearn(ServerStatus status)
    {
        foreach (var held in status.Names)
        {
            Own(held.Name, held.Session);
        }
    }

    private bool Own(string name, IActorRef session)
    {
        if (!_owners.TryAdd(name, session))
        {
            return _owners[name].Equals(session);
        }

        Context.Watch(session);
        return true;
    }

    private sealed record AnnounceExits(IActorRef Session);

    private sealed record FreeNamesOfRemovedNode(IActorRef Session);
}
