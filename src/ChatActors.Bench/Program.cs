using ChatActors.Bench;
using ChatActors.Harness;

// The generator's receive loops run on the socket engine's own thread instead of hopping to the
// thread pool for every read, as a single-threaded epoll loop would (so the generator is not the
// bottleneck: docs/BENCHMARKS.md). Read by .NET at the first socket operation; the node it starts
// does not inherit it (NodeProcess).
Environment.SetEnvironmentVariable(ProcessEnvironment.InlineSocketCompletions, "1");

// The benchmark of docs/BENCHMARKS.md: exit code 0 when every scenario ran (the table says which targets were met), 1 when one could not, 2 for bad options.
var options = BenchOptions.Parse(args, Console.Error);
if (options is null)
{
    return args.Any(arg => arg is "--help" or "-h" or "-?") ? 0 : 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, press) =>
{
    press.Cancel = true;
    cancel.Cancel();
};

var results = new List<TargetResults>();
try
{
    var run = new BenchRun(options, Console.Out);
    foreach (var target in options.Targets)
    {
        results.Add(await run.RunAsync(target, cancel.Token));
    }
}
catch (Exception ex) when (ex is BenchException or OperationCanceledException or IOException or System.Net.Sockets.SocketException)
{
    Console.Error.WriteLine($"bench: {ex.Message}");
    return 1;
}

var markdown = await Report.ToMarkdownAsync(options, results);
Console.WriteLine();
Console.WriteLine(markdown);
if (options.ReportPath is { } path)
{
    await File.WriteAllTextAsync(path, markdown);
    Console.WriteLine($"bench: table written to {path}");
}

return 0;
