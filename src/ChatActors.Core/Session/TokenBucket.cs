namespace ChatActors.Session;

/// <summary>
/// A token bucket: it holds up to <c>burst</c> tokens and refills at <c>ratePerSecond</c>.
/// <see cref="Take"/> may go into debt, which is how a flood is slowed; <see cref="TryTake"/>
/// never does, which is how a flood is refused.
/// </summary>
public sealed class TokenBucket
{
    private readonly double _ratePerSecond;
    private readonly double _burst;
    private double _tokens;
    private TimeSpan? _lastRefill;

    public TokenBucket(double ratePerSecond, double burst)
    {
        _ratePerSecond = ratePerSecond;
        _burst = burst;
        _tokens = burst;
    }

    /// <summary>Takes the tokens even beyond what the bucket holds; answers how long the taker must wait until the debt is paid.</summary>
    /// <param name="now">Time on any steady clock; only differences matter.</param>
    public TimeSpan Take(double cost, TimeSpan now)
    {
        Refill(now);
        _tokens -= cost;
        return _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_tokens / _ratePerSecond);
    }

    /// <summary>Takes the tokens only if the bucket holds them.</summary>
    public bool TryTake(double cost, TimeSpan now)
    {
        Refill(now);
        if (_tokens < cost)
        {
            return false;
        }

        _tokens -= cost;
        return true;
    }

    /// <summary>True when the bucket is back at its burst: forgetting it changes nothing.</summary>
    public bool IsFull(TimeSpan now)
    {
        Refill(now);
        return _tokens >= _burst;
    }

    private void Refill(TimeSpan now)
    {
        var elapsed = _lastRefill is { } last ? (now - last).TotalSeconds : 0;
        _tokens = Math.Min(_burst, _tokens + (elapsed * _ratePerSecond));
        _lastRefill = now;
    }
}
