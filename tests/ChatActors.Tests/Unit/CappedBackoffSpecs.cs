using ChatActors.Stats.Storage;

namespace ChatActors.Tests.Unit;

public class CappedBackoffSpecs
{
    private static readonly TimeSpan First = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(5);

    [Theory]
    [InlineData(1, 100)]
    [InlineData(2, 200)]
    [InlineData(6, 3200)]
    [InlineData(7, 5000)]
    public void The_wait_doubles_up_to_its_cap(int failedAttempts, int milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), CappedBackoff.Delay(First, Max, failedAttempts));

    [Theory]
    [InlineData(45)]
    [InlineData(100_000)]
    public void An_outage_of_any_length_keeps_the_cap(int failedAttempts) =>
        Assert.Equal(Max, CappedBackoff.Delay(First, Max, failedAttempts));
}
