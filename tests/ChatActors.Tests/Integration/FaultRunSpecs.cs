using ChatActors.Soak;
using ChatActors.Soak.Faults;

namespace ChatActors.Tests.Integration;

/// <summary>
/// The soak's fault run, short: run.ps1's process cluster under the project's reconnecting
/// client while the nemesis kills and pauses its nodes; every invariant must hold.
/// </summary>
public class FaultRunSpecs
{
    [Fact]
    public async Task Two_minutes_of_kill_9_and_sigstop_keep_every_count_name_and_line()
    {
        var options = SoakOptions.Parse(["--approach", "process", "--faults", "--seed", "2", "--minutes", "2", "--clients", "12", "--line-interval", "1"], TextWriter.Null)!;
        var console = new StringWriter();

        var report = await new FaultRun(options, TextWriter.Synchronized(console)).RunAsync();

        Assert.NotEmpty(report.Faults);
        Assert.True(report.Passed, FaultReportMarkdown.Write(report) + "\n" + console);
    }
}
