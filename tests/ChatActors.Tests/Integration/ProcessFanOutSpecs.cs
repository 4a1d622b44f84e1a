using ChatActors.Bench;

namespace ChatActors.Tests.Integration;

/// <summary>The bench's fan-out on run.ps1's process cluster (<c>--approach process</c>): every line crosses nodes and is counted as the subscribers saw it.</summary>
public class ProcessFanOutSpecs
{
    [Fact]
    public async Task Every_line_reaches_every_subscriber_across_the_nodes()
    {
        var options = BenchOptions.Parse(["--approach", "process", "--messages", "200", "--timeout", "60"], TextWriter.Null)!;
        await using var target = await ChatTarget.StartProcessClusterAsync(servers: 3, capacity: 20, CancellationToken.None);

        var result = await new FanOutScenario(target, options, subscribers: 9, publishers: 1, "pf").RunAsync(CancellationToken.None);

        Assert.Equal("ChatActors, process", target.Name);
        Assert.Null(target.Meter);
        Assert.Equal(9 * 200, result.Expected);
        Assert.Equal((0L, 0L, 0L, 0L), (result.Lost, result.Duplicated, result.Corrupt, result.OutOfOrder));
    }
}
