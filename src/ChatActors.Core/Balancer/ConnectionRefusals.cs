using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using ChatActors.Admin;
using Akka.Event;
using ChatActors.Stats;

namespace ChatActors.Balancer;

/// <summary>A connection a limit per address refused: it gets <see cref="Answer"/> once it is counted lost.</summary>
public sealed record RefuseConnection(Socket Socket, IPAddress Address, byte[] Answer);

/// <summary>
/// Answers the connections a limit per address refused, a second's worth at a time: one count
/// request and one log line for all of them, so that a flood grows neither the journal nor the
/// log by one entry per connection. As with every count, a refused client sees its answer only
/// once the stats actor has counted it; uncounted, its connection just closes.
/// </summary>
public sealed class ConnectionRefusals : ReceiveActor, IWithTimers
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(1);
    private const int AddressesLogged = 5;

    private readonly IActorRef _stats;
    private readonly CountWaits _counting;
    private readonly bool _atBalancer;
    private readonly string _refuser;
    private readonly ChatMetrics _metrics;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private List<RefuseConnection> _waiting = [];

    /// <param name="atBalancer">True for the balancer edge: each refusal is an approach as well as a lost client.</param>
    /// <param name="refuser">Who refuses, as the log line names it.</param>
    public ConnectionRefusals(IActorRef stats, CountWaits counting, bool atBalancer, string refuser, ChatMetrics metrics)
    {
        _stats = stats;
        _counting = counting;
        _atBalancer = atBalancer;
        _refuser = refuser;
        _metrics = metrics;

        Receive<RefuseConnection>(refusal =>
        {
            if (_waiting.Count == 0)
            {
                Timers.StartSingleTimer(Tick.Instance, Tick.Instance, Period);
            }

            _waiting.Add(refusal);
        });
        Receive<Tick>(_ => AnswerWaiting());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef stats, CountWaits counting, bool atBalancer, string refuser, ChatMetrics metrics) =>
        Akka.Actor.Props.Create(() => new ConnectionRefusals(stats, counting, atBalancer, refuser, metrics));

    protected override void PostStop()
    {
        foreach (var refusal in _waiting)
        {
            refusal.Socket.Dispose();
        }
    }

    private void AnswerWaiting()
    {
        var refused = _waiting;
        _waiting = [];
        var byAddress = refused
            .GroupBy(refusal => refusal.Address)
            .OrderByDescending(group => group.Count())
            .ToList();
        var shown = string.Join(", ", byAddress.Take(AddressesLogged).Select(group => $"{group.Key} x{group.Count()}"));
        var more = byAddress.Count > AddressesLogged ? $" and {byAddress.Count - AddressesLogged} more addresses" : string.Empty;
        _log.Warning("{0} refused {1} connections in the last second (limits per address): {2}{3}", _refuser, refused.Count, shown, more);
        _ = AnswerAsync(refused, _stats, _counting, _atBalancer, _metrics);
    }

    /// <summary>Runs outside the actor: it gets everything it touches as arguments.</summary>
    private static async Task AnswerAsync(List<RefuseConnection> refused, IActorRef stats, CountWaits counting, bool atBalancer, ChatMetrics metrics)
    {
        var counted = await counting.IsCountedAsync(stats, deadline => new CountRefusedConnections(refused.Count, atBalancer, deadline));
        if (counted)
        {
            metrics.Refused(refused.Count, atBalancer);
        }

        await Task.WhenAll(refused.Select(refusal => CloseAsync(refusal, counted)));
    }

    private static async Task CloseAsync(RefuseConnection refusal, bool answer)
    {
        using var socket = refusal.Socket;
        try
        {
            if (answer)
            {
                // A few bytes into an empty send buffer: this completes at once, whether or not the client reads.
                await socket.SendAsync(refusal.Answer, SocketFlags.None);
            }

            socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // The client has gone already; there is nobody to tell.
        }
    }

    private sealed record Tick
    {
        public static readonly Tick Instance = new();
    }
}
