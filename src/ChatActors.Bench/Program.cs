using ChatActors.Bench;

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
