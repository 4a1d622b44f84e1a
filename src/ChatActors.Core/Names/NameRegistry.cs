using Akka.Actor;
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
/// split, that node downs itself and turns its clients away within that time.
/// </summary>
public sealed class NameRegistry : ReceiveActor, IWithTimers, IWithStash
{
    private static readonly TimeSpan ReleaseGrace = TimeSpan.FromSeconds(2);

    private readonly Dictionary<string, IActorRef> _owners = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, List<string>> _departed = new();
    private readonly IActorRef _chatTopic;
    private readonly TimeSpan _relearnWindow;
    private readonly TimeSpan _removedNodeMargin;
    private readonly ILoggingAdapter _log = Context.GetLogger();

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
        ReceiveAny(_ => Stash.Stash());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public IStash Stash { get; set; } = null!;

    public static Props Props(IActorRef chatTopic, TimeSpan relearnWindow, TimeSpan removedNodeMargin) =>
        Akka.Actor.Props.Create(() => new NameRegistry(chatTopic, relearnWindow, removedNodeMargin));

    protected override void PreStart() => ServerStatusRequest.Publish(_chatTopic, Self, Timers, _relearnWindow);

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
                // Its node left the cluster unreachable: it may still be serving on its side of
                // a split until it downs itself, so its names stay taken until then.
                Timers.StartSingleTimer(terminated.ActorRef, new FreeNamesOfRemovedNode(terminated.ActorRef), _removedNodeMargin);
                return;
            }

            // A session that ends releases its names and sends its own exit line, but its death
            // watch can overtake the release (which comes through a proxy). Names not released
            // soon after belong to a session that could not say goodbye. The others are told here.
            _departed[terminated.ActorRef] = FreeNamesOf(terminated.ActorRef);
            Timers.StartSingleTimer(terminated.ActorRef, new AnnounceExits(terminated.ActorRef), ReleaseGrace);
        });
        Receive<FreeNamesOfRemovedNode>(free => AnnounceExitsOf(FreeNamesOf(free.Session)));
        Receive<AnnounceExits>(announce =>
        {
            if (_departed.Remove(announce.Session, out var names))
            {
                AnnounceExitsOf(names);
            }
        });
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
