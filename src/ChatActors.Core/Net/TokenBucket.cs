namespace ChatActors.Net;

/// <summary>
/// A token bucket that may go into debt: it holds up to <c>burst</c> tokens and refills at
/// <c>ratePerSecond</c>. Taking more than it holds is allowed; the answer is how long the
/// taker must wait until the debt is paid, which is how a flood is slowed.
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

    /// <param name="now">Time on any steady clock; only differences matter.</param>
    public TimeSpan Take(double cost, TimeSpan now)
    {
        var elapsed = _lastRefill is { } last ? (now - last).TotalSeconds : 0;
        _tokens = Math.Min(_burst, _tokens + (elapsed * _ratePerSecond));
        _lastRefill = now;
        _tokens -= cost;
        return _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_tokens / _ratePerSecond);
    }
}
