using System.Collections.Concurrent;

namespace ChatActors.Soak;

/// <summary>
/// What the clients saw, counted as they saw it: the figures the node's counters and
/// storage.db must equal at the end, and every problem a client ran into.
/// </summary>
public sealed class Tally
{
    private const int ProblemsKeptPerKind = 5;
    private readonly ConcurrentDictionary<string, int> _events = new();
    private readonly ConcurrentDictionary<string, int> _problems = new();
    private readonly ConcurrentQueue<string> _problemExamples = new();
    private readonly ConcurrentBag<string> _sqlNames = [];
    private long _approaches;
    private long _lost;
    private long _joins;
    private long _ratedLeaves;
    private long _ratingTenths;

    public long Approaches => Interlocked.Read(ref _approaches);

    public long Lost => Interlocked.Read(ref _lost);

    public long Joins => Interlocked.Read(ref _joins);

    public long RatedLeaves => Interlocked.Read(ref _ratedLeaves);

    /// <summary>The mean of the ratings given, as storage.db rounds it.</summary>
    public double AverageRating => RatedLeaves == 0 ? 0 : Math.Round(Interlocked.Read(ref _ratingTenths) / 10.0 / RatedLeaves, 2);

    public IReadOnlyDictionary<string, int> Events => _events;

    public IReadOnlyDictionary<string, int> Problems => _problems;

    public IEnumerable<string> ProblemExamples => _problemExamples;

    public IEnumerable<string> SqlNames => _sqlNames;

    public void Approached() => Interlocked.Increment(ref _approaches);

    /// <param name="how">What the client was told (<c>SNA wait</c>, <c>Server busy</c>, ...).</param>
    public void LostClient(string how)
    {
        Interlocked.Increment(ref _lost);
        Saw(how);
    }

    public void Joined() => Interlocked.Increment(ref _joins);

    /// <param name="rating">One decimal at most, as the clients send it.</param>
    public void LeftRated(double rating)
    {
        Interlocked.Increment(ref _ratedLeaves);
        Interlocked.Add(ref _ratingTenths, (long)Math.Round(rating * 10));
    }

    public void JoinedWithSqlName(string name) => _sqlNames.Add(name);

    /// <summary>Something expected happened (a flooder cut off, a long line refused): the report counts it.</summary>
    public void Saw(string what, int times = 1) => _events.AddOrUpdate(what, times, (_, count) => count + times);

    public void Problem(string kind, string detail)
    {
        if (_problems.AddOrUpdate(kind, 1, (_, count) => count + 1) <= ProblemsKeptPerKind)
        {
            _problemExamples.Enqueue($"{kind}: {detail}");
        }
    }
}
