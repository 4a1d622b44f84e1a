using System.Numerics;

namespace ChatActors.Bench;

/// <summary>
/// Latencies in nanoseconds in log-linear buckets (16 per power of two, so within about 6%),
/// cheap enough to record every delivered line. One per receive loop; merged at the end.
/// </summary>
public sealed class LatencyHistogram
{
    private const int SubBuckets = 16;
    private readonly long[] _counts = new long[64 * SubBuckets];

    public long Count { get; private set; }

    public void Record(long nanoseconds)
    {
        var value = (ulong)Math.Max(nanoseconds, 1);
        var exponent = 63 - BitOperations.LeadingZeroCount(value);
        var sub = exponent >= 4 ? (int)((value >> (exponent - 4)) & 15) : 0;
        _counts[exponent * SubBuckets + sub]++;
        Count++;
    }

    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }

        Count += other.Count;
    }

    /// <summary>The latency below which <paramref name="quantile"/> of the records lie, as the upper edge of its bucket.</summary>
    public TimeSpan Percentile(double quantile)
    {
        var wanted = (long)(quantile * Count);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen > wanted)
            {
                int exponent = i / SubBuckets, sub = i % SubBuckets;
                var nanoseconds = exponent >= 4 ? (16L + sub + 1) << (exponent - 4) : 1L << exponent;
                return TimeSpan.FromTicks(nanoseconds / 100);
            }
        }

        return TimeSpan.Zero;
    }
}
