using ChatActors.Soak;

// The soak of README "Soak": exit code 0 when every check passed, 1 when one failed, 2 for bad options.
var options = SoakOptions.Parse(args, Console.Error);
if (options is null)
{
    return args.Any(arg => arg is "--help" or "-h" or "-?") ? 0 : 2;
}

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
