using Akka.Actor;

namespace ChatActors.Stats;

/// <summary>Who asked for a count, and when, for as long as its requester may still wait for the answer.</summary>
public sealed class CountsInFlight(TimeSpan answerWithin, TimeProvider clock)
{
    private readonly Queue<(IActorRef Requester, DateTimeOffset SentAt)> _sent = new();

    public void Sent(IActorRef requester)
    {
        var now = clock.GetUtcNow();
        while (_sent.TryPeek(out var oldest) && now - oldest.SentAt > answerWithin)
        {
            _sent.Dequeue();
        }

        _sent.Enqueue((requester, now));
    }

    /// <summary>The requesters of the counts sent within the window, now forgotten.</summary>
    public List<IActorRef> TakeRecent()
    {
        var since = clock.GetUtcNow() - answerWithin;
        var recent = _sent.Where(sent => sent.SentAt >= since).Select(sent => sent.Requester).ToList();
        _sent.Clear();
        return recent;
    }
}
