using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using ChatActors.Hosting;
using ChatActors.Server;

namespace ChatActors.Balancer;

/// <summary>
/// Knows which servers are up, how loaded they are and which addresses it handed out
/// recently; answers <see cref="AssignServer"/> with the algorithm of PROTOCOL.md section 1
/// (the edge has the answer counted before the client sees it). One client address holds at
/// most a fixed number of reservations, so connects that never arrive at a server cannot
/// reserve every place. It is a cluster singleton:
/// when it starts (or moves) it relearns every live server and its load before it answers,
/// and it skips the servers of a node that the cluster sees as unreachable.
/// </summary>
public sealed class BalancerActor : ReceiveActor, IWithTimers, IWithStash
{
    private readonly BalancingAlgorithm _algorithm;
    private readonly TimeSpan _reservationTimeout;
    private readonly int _reservationsPerAddress;
    private readonly IActorRef _chatTopic;
    private readonly TimeSpan _relearnWindow;
    private readonly TimeProvider _clock;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly SortedDictionary<int, ServerEntry> _servers = new();
    private readonly HashSet<UniqueAddress> _unreachableNodes = [];
    private readonly HashSet<IActorRef> _awaitingServers = [];
    private int? _lastPicked;
    private int _nextFreeIndex;

    public BalancerActor(BalancingAlgorithm algorithm, TimeSpan reservationTimeout, int reservationsPerAddress, IActorRef chatTopic, TimeSpan relearnWindow, TimeProvider clock)
    {
        _algorithm = algorithm;
        _reservationTimeout = reservationTimeout;
        _reservationsPerAddress = reservationsPerAddress;
        _chatTopic = chatTopic;
        _relearnWindow = relearnWindow;
        _clock = clock;

        ReceiveServerNews();
        Receive<RelearnWindowEnded>(_ =>
        {
            _log.Info("Balancer serving on {0} with {1} servers", SingletonLocation.Of(Context.System), _servers.Count);
            Become(Serving);
            Stash.UnstashAll();
        });
        ReceiveAny(_ => Stash.Stash());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public IStash Stash { get; set; } = null!;

    /// <param name="reservationsPerAddress">How many places one client address may hold reserved; a new one drops its oldest.</param>
    public static Props Props(BalancingAlgorithm algorithm, TimeSpan reservationTimeout, int reservationsPerAddress, IActorRef chatTopic, TimeSpan relearnWindow, TimeProvider clock) =>
        Akka.Actor.Props.Create(() => new BalancerActor(algorithm, reservationTimeout, reservationsPerAddress, chatTopic, relearnWindow, clock));

    protected override void PreStart()
    {
        if (Context.System is ExtendedActorSystem { Provider: IClusterActorRefProvider })
        {
            Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.IReachabilityEvent), typeof(ClusterEvent.MemberRemoved));
        }

        ServerStatusRequest.Publish(_chatTopic, Self, Timers, _relearnWindow);
    }

    protected override void PostStop()
    {
        if (Context.System is ExtendedActorSystem { Provider: IClusterActorRefProvider })
        {
            Cluster.Get(Context.System).Unsubscribe(Self);
        }
    }

    private void Serving()
    {
        ReceiveServerNews();
        Receive<AssignServer>(assign => Assign(assign.ClientAddress));
        Receive<AwaitServersServing>(_ =>
        {
            if (_servers.Count > 0)
            {
                Sender.Tell(ServersServing.Instance);
            }
            else
            {
                _awaitingServers.Add(Sender);
            }
        });
        Receive<AllocateServerIndices>(allocate =>
        {
            Sender.Tell(new ServerIndicesAllocated(_nextFreeIndex));
            _nextFreeIndex += allocate.Count;
        });
    }

    /// <summary>What the balancer learns in every state: servers coming and going, their load, reachability.</summary>
    private void ReceiveServerNews()
    {
        Receive<RegisterServer>(registration => Register(registration, 0));
        Receive<ServerStatus>(status => Register(status.Registration, status.Connected));
        Receive<ServerLoad>(UpdateLoad);
        Receive<Terminated>(terminated => Unregister(terminated.ActorRef, "is down"));
        Receive<WithdrawServer>(_ => Unregister(Sender, "is stopping or draining; not handing it out"));
        // Keyed by incarnation: a node killed and started again on the same address is a new
        // member that never sends ReachableMember; the old one's removal ends its unreachability.
        Receive<ClusterEvent.UnreachableMember>(unreachable =>
        {
            _unreachableNodes.Add(unreachable.Member.UniqueAddress);
            foreach (var entry in _servers.Values.Where(IsUnreachable))
            {
                _log.Info("{0} is unreachable; not handing it out", entry.Registration.Name);
            }
        });
        Receive<ClusterEvent.ReachableMember>(reachable => _unreachableNodes.Remove(reachable.Member.UniqueAddress));
        Receive<ClusterEvent.MemberRemoved>(removed => _unreachableNodes.Remove(removed.Member.UniqueAddress));
    }

    private void Register(RegisterServer registration, int connected)
    {
        var known = _servers.TryGetValue(registration.Index, out var entry) && entry.Registration.Server.Equals(registration.Server);
        if (!known)
        {
            _servers[registration.Index] = new ServerEntry(registration, SingletonLocation.NodeOf(registration.Server, Context.System), connected, []);
            Context.Watch(registration.Server);
            _log.Info("{0} is up at {1}:{2} (capacity {3})", registration.Name, registration.Host, registration.Port, registration.Capacity);
            foreach (var edge in _awaitingServers)
            {
                edge.Tell(ServersServing.Instance);
            }

            _awaitingServers.Clear();
        }

        _nextFreeIndex = Math.Max(_nextFreeIndex, registration.Index + 1);
    }

    private void Unregister(IActorRef server, string why)
    {
        foreach (var entry in _servers.Values.Where(entry => entry.Registration.Server.Equals(server)).ToList())
        {
            _servers.Remove(entry.Registration.Index);
            _log.Info("{0} {1}", entry.Registration.Name, why);
        }
    }

    private void UpdateLoad(ServerLoad load)
    {
        if (!_servers.TryGetValue(load.Index, out var entry))
        {
            return;
        }

        // Every client that arrived uses up the oldest address handed out for this server.
        var arrivals = Math.Max(0, load.Connected - entry.Connected);
        _servers[load.Index] = entry with
        {
            Connected = load.Connected,
            Reservations = entry.Reservations.Skip(arrivals).ToList(),
        };
    }

    private void Assign(string? clientAddress)
    {
        var now = _clock.GetUtcNow();
        DropExpiredReservations(now - _reservationTimeout);
        if (clientAddress is not null)
        {
            KeepReservationsBelowLimit(clientAddress);
        }

        var candidates = _servers.Values.Where(entry => !IsUnreachable(entry)).Select(entry => entry.ToSlot());
        var picked = ServerPicker.Pick(_algorithm, candidates, _lastPicked);
        if (picked is null)
        {
            Sender.Tell(NoServerAvailable.Instance);
            return;
        }

        var entry = _servers[picked.Index];
        _servers[picked.Index] = entry with { Reservations = [.. entry.Reservations, new Reservation(now, clientAddress)] };
        _lastPicked = picked.Index;
        Sender.Tell(new ServerAssigned(picked.Host, picked.Port));
    }

    private bool IsUnreachable(ServerEntry entry) => _unreachableNodes.Any(node => node.Address.Equals(entry.Node));

    private void DropExpiredReservations(DateTimeOffset reservedSince)
    {
        foreach (var (index, entry) in _servers.ToList())
        {
            _servers[index] = entry with { Reservations = entry.Reservations.Where(reservation => reservation.At > reservedSince).ToList() };
        }
    }

    /// <summary>Drops the address's oldest reservations until one more fits within its limit.</summary>
    private void KeepReservationsBelowLimit(string clientAddress)
    {
        var held = _servers.Values
            .SelectMany(entry => entry.Reservations.Where(reservation => reservation.ClientAddress == clientAddress).Select(reservation => (entry.Registration.Index, reservation)))
            .OrderBy(held => held.reservation.At)
            .ToList();
        foreach (var (index, reservation) in held.Take(held.Count - _reservationsPerAddress + 1))
        {
            _servers[index] = _servers[index] with { Reservations = _servers[index].Reservations.Where(kept => !ReferenceEquals(kept, reservation)).ToList() };
        }
    }

    /// <param name="Node">The cluster node the server runs on, as reachability events name it.</param>
    /// <param name="Reservations">The addresses handed out whose client has not arrived yet, oldest first.</param>
    private sealed record ServerEntry(RegisterServer Registration, Address Node, int Connected, IReadOnlyList<Reservation> Reservations)
    {
        public ServerSlot ToSlot() => new(
            Registration.Index,
            Registration.Host,
            Registration.Port,
            Registration.Capacity,
            Connected,
            Reservations.Count);
    }

    /// <param name="ClientAddress">Who it was handed to, when a limit per address applies to them.</param>
    private sealed record Reservation(DateTimeOffset At, string? ClientAddress);
}
