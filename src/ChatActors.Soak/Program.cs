using System.Runtime.InteropServices;
using ChatActors.Soak;
using ChatActors.Soak.Faults;

// The soak of README "Soak": exit code 0 when every check passed, 1 when one failed, 2 for bad options.
var options = SoakOptions.Parse(args, Console.Error);
if (options is null)
{
    return args.Any(arg => arg is "--help" or "-h" or "-?") ? 0 : 2;
}

// Ctrl+C and SIGTERM end the soak through a normal exit, so that the nodes it started and
// their folder are removed (a process ended by the signal itself runs no clean-up).
using var interrupted = PosixSignalRegistration.Create(PosixSignal.SIGINT, StopEarly);
using var terminated = PosixSignalRegistration.Create(PosixSignal.SIGTERM, StopEarly);

var (markdown, passed) = options.Approach == "process"
    ? await RunFaultsAsync(options)
    : await RunOneNodeAsync(options);
Console.WriteLine();
Console.WriteLine(markdown);
if (options.ReportPath is { } path)
{
    await ReportFile.WriteSectionAsync(path, markdown);
    Console.WriteLine($"soak: report written to {path}");
}

return passed ? 0 : 1;

static async Task<(string Markdown, bool Passed)> RunOneNodeAsync(SoakOptions options)
{
    var report = await new SoakRun(options, Console.Out).RunAsync();
    return (report.ToMarkdown(), report.Passed);
}

static async Task<(string Markdown, bool Passed)> RunFaultsAsync(SoakOptions options)
{
    var report = await new FaultRun(options, Console.Out).RunAsync();
    return (FaultReportMarkdown.Write(report), report.Passed);
}

static void StopEarly(PosixSignalContext signal)
{
    signal.Cancel = true;
    Console.Error.WriteLine($"soak: stopped ({signal.Signal}); no report");
    Environment.Exit(128 + (signal.Signal == PosixSignal.SIGINT ? 2 : 15));
}
