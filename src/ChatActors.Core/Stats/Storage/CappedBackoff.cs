namespace ChatActors.Stats.Storage;

/// <summary>The wait before retrying a failed write: doubling from <c>first</c>, never above <c>max</c>, however long the outage.</summary>
public static class CappedBackoff
{
    public static TimeSpan Delay(TimeSpan first, TimeSpan max, int failedAttempts)
    {
        // Doubling stops well before it could overflow; any cap is reached long before.
        var doublings = Math.Clamp(failedAttempts - 1, 0, 30);
        var delay = first * (1L << doublings);
        return delay < max ? delay : max;
    }
}
