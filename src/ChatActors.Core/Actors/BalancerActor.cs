using Akka.Actor;
using Akka.Event;
using ChatActors.Balancing;
using ChatActors.Messages;

namespace ChatActors.Actors;

/// <summary>
/// Knows which servers are up, how loaded they are and which addresses it handed out
/// recently; answers <see cref="AssignServer"/> with the algorithm of PROTOCOL.md section 1
/// and counts every approach and every client it turns away.
/// </summary>
public sealed class BalancerActor : ReceiveActor
{
    private readonly BalancingAlgorithm _algorithm;
    private readonly TimeSpan _reservationTimeout;
    private readonly IActorRef _stats;
    private readonly TimeProvider _clock;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly SortedDictionary<int, ServerEntry> _servers = new();
    private int? _lastPicked;

    public BalancerActor(BalancingAlgorithm algorithm, TimeSpan reservationTimeout, IActorRef stats, TimeProvider clock)
    {
        _algorithm = algorithm;
        _reservationTimeout = reservationTimeout;
        _stats = stats;
        _clock = clock;

        Receive<RegisterServer>(Register);
        Receive<ServerLoad>(UpdateLoad);
        Receive<AssignServer>(_ => Assign());
        Receive<Terminated>(terminated => Unregister(terminated.ActorRef));
    }

    public static Props Props(BalancingAlgorithm algorithm, TimeSpan reservationTimeout, IActorRef stats, TimeProvider clock) =>
        Akka.Actor.Props.Create(() => new BalancerActor(algorithm, reservationTimeout, stats, clock));

    private void Register(RegisterServer registration)
    {
        _servers[registration.Index] = new ServerEntry(registration, 0, []);
        Context.Watch(registration.Server);
        _log.Info("{0} is up at {1}:{2} (capacity {3})", registration.Name, registration.Host, registration.Port, registration.Capacity);
    }

    private void Unregister(IActorRef server)
    {
        foreach (var entry in _servers.Values.Where(entry => entry.Registration.Server.Equals(server)).ToList())
        {
            _servers.Remove(entry.Registration.Index);
            _log.Info("{0} is down", entry.Registration.Name);
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

    private void Assign()
    {
        _stats.Tell(CountApproach.Instance);
        var now = _clock.GetUtcNow();
        DropExpiredReservations(now - _reservationTimeout);
        var picked = ServerPicker.Pick(_algorithm, _servers.Values.Select(entry => entry.ToSlot()), _lastPicked);
        if (picked is null)
        {
            _stats.Tell(CountLostClient.Instance);
            Sender.Tell(NoServerAvailable.Instance);
            return;
        }

        var entry = _servers[picked.Index];
        _servers[picked.Index] = entry with { Reservations = [.. entry.Reservations, now] };
        _lastPicked = picked.Index;
        Sender.Tell(new ServerAssigned(picked.Host, picked.Port));
    }

    private void DropExpiredReservations(DateTimeOffset reservedSince)
    {
        foreach (var (index, entry) in _servers.ToList())
        {
            _servers[index] = entry with { Reservations = entry.Reservations.Where(at => at > reservedSince).ToList() };
        }
    }

    /// <param name="Reservations">When each address not yet used was handed out, oldest first.</param>
    private sealed record ServerEntry(RegisterServer Registration, int Connected, IReadOnlyList<DateTimeOffset> Reservations)
    {
        public ServerSlot ToSlot() => new(
            Registration.Index,
            Registration.Host,
            Registration.Port,
            Registration.Capacity,
            Connected,
            Reservations.Count);
    }
}
