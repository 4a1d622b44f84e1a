using System.Runtime.InteropServices;
using ChatActors.Soak;

// The soak of README "Soak": exit code 0 when every check passed, 1 when one failed, 2 for bad options.
var options = SoakOptions.Parse(args, Console.Error);
if (options is null)
{
    return args.Any(arg => arg is "--help" or "-h" or "-?") ? 0 : 2;
}

// Ctrl+C and SIGTERM end the soak through a normal exit, so that the node it started and
// that node's folder are removed (a process ended by the signal itself runs no clean-up).
using var interrupted = PosixSignalRegistration.Create(PosixSignal.SIGINT, StopEarly);
using var terminated = PosixSignalRegistration.Create(PosixSignal.SIGTERM, StopEarly);

var report = await new SoakRun(options, Console.Out).RunAsync();
var markdown = report.ToMarkdown();
Console.WriteLine();
Console.WriteLine(markdown);
if (options.ReportPath is { } path)
{
    await File.WriteAllTextAsync(path, markdown);
    Console.WriteLine($"soak: report written to {path}");
}

return report.Passed ? 0 : 1;

static void StopEarly(PosixSignalContext signal)
{
    signal.Cancel = true;
    Console.Error.WriteLine($"soak: stopped ({signal.Signal}); no report");
    Environment.Exit(128 + (signal.Signal == PosixSignal.SIGINT ? 2 : 15));
}
