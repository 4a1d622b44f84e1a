using ChatActors.Session;

namespace ChatActors.Tests.Unit;

public class TokenBucketSpecs
{
    private static readonly TimeSpan Start = TimeSpan.FromSeconds(100);

    [Fact]
    public void A_burst_up_to_its_size_passes_at_once_and_one_more_waits_for_one_token()
    {
        var bucket = new TokenBucket(ratePerSecond: 10, burst: 5);
        Assert.Equal(TimeSpan.Zero, bucket.Take(5, Start));
        Assert.Equal(TimeSpan.FromMilliseconds(100), bucket.Take(1, Start));
    }

    [Fact]
    public void Tokens_come_back_at_the_rate_and_never_beyond_the_burst()
    {
        var bucket = new TokenBucket(ratePerSecond: 10, burst: 5);
        bucket.Take(5, Start);
        Assert.Equal(TimeSpan.Zero, bucket.Take(3, Start + TimeSpan.FromMilliseconds(300)));

        // An hour idle refills the bucket only to its burst.
        Assert.Equal(TimeSpan.Zero, bucket.Take(5, Start + TimeSpan.FromHours(1)));
        Assert.Equal(TimeSpan.FromMilliseconds(100), bucket.Take(1, Start + TimeSpan.FromHours(1)));
    }

    [Fact]
    public void A_debt_is_paid_at_the_rate()
    {
        var bucket = new TokenBucket(ratePerSecond: 20, burst: 10);
        Assert.Equal(TimeSpan.FromSeconds(2), bucket.Take(50, Start));
        Assert.Equal(TimeSpan.FromSeconds(1), bucket.Take(0, Start + TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void TryTake_passes_up_to_the_burst_refuses_one_more_and_runs_no_debt()
    {
        var bucket = new TokenBucket(ratePerSecond: 10, burst: 3);
        Assert.True(bucket.TryTake(1, Start));
        Assert.True(bucket.TryTake(1, Start));
        Assert.True(bucket.TryTake(1, Start));
        Assert.False(bucket.TryTake(1, Start));

        // Refused takes cost nothing (as a debt, the refusal at 50 ms would still be owed at 150 ms).
        Assert.False(bucket.TryTake(1, Start + TimeSpan.FromMilliseconds(50)));
        Assert.True(bucket.TryTake(1, Start + TimeSpan.FromMilliseconds(150)));
    }

    [Fact]
    public void A_bucket_is_full_again_once_every_token_it_gave_has_come_back()
    {
        var bucket = new TokenBucket(ratePerSecond: 10, burst: 5);
        Assert.True(bucket.IsFull(Start));
        bucket.TryTake(2, Start);
        Assert.False(bucket.IsFull(Start + TimeSpan.FromMilliseconds(199)));
        Assert.True(bucket.IsFull(Start + TimeSpan.FromMilliseconds(200)));
    }
}
