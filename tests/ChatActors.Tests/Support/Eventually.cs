namespace ChatActors.Tests.Support;

/// <summary>Polls a condition until it holds or the time is up, like TestKit's AwaitCondition, for specs without an actor system.</summary>
public static class Eventually
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(25);

    /// <param name="every">How often to ask: more seldom than the default where each asking is a client's line, paced by the server.</param>
    /// <param name="lastSeen">What the condition saw last, for the failure message.</param>
    public static async Task HoldsAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, TimeSpan? every = null, Func<string>? lastSeen = null)
    {
        using var expired = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (!await condition())
        {
            if (expired.IsCancellationRequested)
            {
                Assert.Fail($"never happened: {what}{(lastSeen is null ? string.Empty : $"; last seen: {lastSeen()}")}");
            }

            await Task.Delay(every ?? PollInterval);
        }
    }

    public static Task HoldsAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        HoldsAsync(() => Task.FromResult(condition()), what, timeout);
}
