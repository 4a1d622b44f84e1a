using Akka.Actor;

namespace ChatActors.Stats;

/// <summary>
/// How long a requester of a count (the balancer edge, a server, a session) waits for the
/// stats actor. The stats actor refuses a request it gets after <see cref="AcceptWithin"/>;
/// one it accepted is journaled or failed within the journal's patience. So a requester that
/// has heard nothing after <see cref="AnswerWithin"/> knows the count did not happen.
/// </summary>
public sealed record CountWaits(TimeSpan AcceptWithin, TimeSpan AnswerWithin)
{
    /// <summary>The deadline of a request sent now (UTC wall-clock time, which every node of the cluster shares).</summary>
    public DateTime Deadline() => DateTime.UtcNow + AcceptWithin;

    /// <summary>
    /// Asks the stats actor to count, for requesters outside an actor's message handling:
    /// true once the count is journaled; false when it was refused or no answer came in time,
    /// which means it is not counted and never will be.
    /// </summary>
    /// <param name="stopped">The requester stopped (its node shuts down): it no longer waits, and the count may or may not happen.</param>
    public async Task<bool> IsCountedAsync(IActorRef stats, Func<DateTime, ICountRequest> request, CancellationToken stopped = default)
    {
        try
        {
            return await stats.Ask<object>(request(Deadline()), AnswerWithin, stopped) is Counted;
        }
        catch (Exception ex) when (ex is AskTimeoutException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <param name="journalPatience">How long the journal keeps retrying one write.</param>
    /// <param name="busyTimeout">How long one attempt may wait on a locked file.</param>
    public static CountWaits For(TimeSpan acceptWithin, TimeSpan journalPatience, TimeSpan busyTimeout) =>
        new(acceptWithin, acceptWithin + journalPatience + busyTimeout + TimeSpan.FromSeconds(5));
}
