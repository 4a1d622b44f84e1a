using Akka.Actor;

namespace ChatActors.Stats;

/// <summary>
/// Who asked for a count, and when, for as long as its requester may still wait for the answer.
/// A session that has stopped is dropped along the way: over the 110 s a requester may wait, a
/// busy node would otherwise hold every one of them, and the actor cells behind them, long after
/// they are done. An ask's reference (a balancer edge's) stays until the window has passed:
/// Akka.NET does not say when an ask has its answer, and its reference is small.
/// </summary>
public sealed class CountsInFlight(TimeSpan answerWithin, TimeProvider clock)
{
    /// <summary>Sends between two sweeps for requesters that are done: each sweep costs one pass over what is held.</summary>
    public const int SweepEvery = 1024;

    private Queue<(IActorRef Requester, DateTimeOffset SentAt)> _sent = new();
    private int _sentSinceSweep;

    /// <summary>How many requesters are held now.</summary>
    public int Count => _sent.Count;

    public void Sent(IActorRef requester)
    {
        var now = clock.GetUtcNow();
        while (_sent.TryPeek(out var oldest) && now - oldest.SentAt > answerWithin)
        {
            _sent.Dequeue();
        }

        if (++_sentSinceSweep >= SweepEvery)
        {
            _sent = new Queue<(IActorRef, DateTimeOffset)>(_sent.Where(sent => IsWaiting(sent.Requester)));
            _sentSinceSweep = 0;
        }

        _sent.Enqueue((requester, now));
    }

    /// <summary>The requesters of the counts sent within the window that may still wait, now forgotten.</summary>
    public List<IActorRef> TakeRecent()
    {
        var since = clock.GetUtcNow() - answerWithin;
        var recent = _sent.Where(sent => sent.SentAt >= since && IsWaiting(sent.Requester)).Select(sent => sent.Requester).ToList();
        _sent.Clear();
        return recent;
    }

    /// <remarks>
    /// Akka.NET marks <c>IsTerminated</c> obsolete in favour of watching, but watching every
    /// requester of a busy node costs a watch and an unwatch per count; this only reads whether
    /// a session has stopped, and a wrong "still waiting" costs nothing but a message the
    /// requester ignores.
    /// </remarks>
#pragma warning disable CS0618
    private static bool IsWaiting(IActorRef requester) => requester is not IInternalActorRef { IsTerminated: true };
#pragma warning restore CS0618
}
