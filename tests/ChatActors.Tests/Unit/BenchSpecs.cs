using System.Text;
using ChatActors.Bench;

namespace ChatActors.Tests.Unit;

/// <summary>The benchmark program's own logic: its options, its payloads and its latency figures (the load itself is not run in CI).</summary>
public class BenchSpecs
{
    [Fact]
    public void Options_default_to_the_scenarios_of_the_issue_and_take_overrides()
    {
        var defaults = BenchOptions.Parse([], TextWriter.Null)!;
        Assert.Equal(["chat", "redis"], defaults.Targets);
        Assert.Equal([(100, 1), (100, 4), (1000, 1)], defaults.FanOuts);
        Assert.Equal((32, 48, 1000, 5000, 3000), (defaults.Window, defaults.LineBytes, defaults.Joins, defaults.IdleClients, defaults.StormClients));
        Assert.Contains("storm", defaults.Scenarios);
        Assert.Equal("fork", defaults.Approach);

        var options = BenchOptions.Parse(["--target", "chat", "--fanout", "10x2", "--idle", "500", "--joins", "50", "--scenarios", "idle,fanout"], TextWriter.Null)!;
        Assert.Equal(["chat"], options.Targets);
        Assert.Equal([(10, 2)], options.FanOuts);
        Assert.Equal(["idle", "fanout"], options.Scenarios);
        Assert.Equal(600, options.MostClients);
        Assert.Equal(300, BenchOptions.Parse(["--scenarios", "storm", "--storm", "300"], TextWriter.Null)!.StormClients);
        Assert.Equal("process", BenchOptions.Parse(["--approach", "process"], TextWriter.Null)!.Approach);
    }

    [Theory]
    [InlineData("--target", "memcached")]
    [InlineData("--fanout", "100")]
    [InlineData("--scenarios", "joins,warp")]
    [InlineData("--window", "0")]
    [InlineData("--storm", "0")]
    [InlineData("--line-bytes", "39")]
    [InlineData("--line-bytes", "4001")]
    [InlineData("--approach", "thread")]
    [InlineData("--frobnicate", "1")]
    public void Bad_options_are_refused_with_the_usage(string name, string value)
    {
        var errors = new StringWriter();
        Assert.Null(BenchOptions.Parse([name, value], errors));
        Assert.Contains("is not a valid option", errors.ToString());
    }

    [Fact]
    public void A_running_node_is_measured_alone()
    {
        var options = BenchOptions.Parse(["--host", "127.0.0.1", "--port", "12345"], TextWriter.Null)!;
        Assert.Equal(["chat"], options.Targets);
    }

    [Theory]
    [InlineData(48)]
    [InlineData(40)]
    [InlineData(200)]
    public void A_payload_reads_back_what_was_written_at_its_size(int size)
    {
        var buffer = new byte[256];
        var length = Payload.Write(buffer, 3, 12345, 987654321012, size);
        Assert.Equal(size, length);

        var text = buffer.AsSpan(0, length);
        Assert.True(text.StartsWith("B|"u8));
        Assert.True(Payload.TryRead(text[2..], out var publisher, out var sequence, out var sentAt));
        Assert.Equal((3, 12345, 987654321012L), (publisher, sequence, sentAt));
    }

    [Theory]
    [InlineData("3|12|99|xxE")]
    [InlineData("3|12|99|xyx|E")]
    [InlineData("-1|12|99|xx|E")]
    [InlineData("3|12")]
    [InlineData("3|twelve|99|xx|E")]
    public void A_damaged_payload_is_corrupt(string text) =>
        Assert.False(Payload.TryRead(Encoding.ASCII.GetBytes(text), out _, out _, out _));

    [Fact]
    public void Percentiles_come_within_a_bucket_of_the_recorded_latencies()
    {
        var histogram = new LatencyHistogram();
        for (var microseconds = 1; microseconds <= 1000; microseconds++)
        {
            histogram.Record(microseconds * 1000L);
        }

        Assert.Equal(1000, histogram.Count);
        Assert.InRange(histogram.Percentile(0.5).TotalMicroseconds, 500, 500 * 1.07);
        Assert.InRange(histogram.Percentile(0.99).TotalMicroseconds, 990, 990 * 1.07);
    }
}
