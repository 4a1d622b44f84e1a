using System.Globalization;
using System.Text;

namespace ChatActors.Soak.Faults;

/// <summary>The fault run's report as it goes into docs/SOAK.md.</summary>
public static class FaultReportMarkdown
{
    public const string Heading = "# Fault run";

    public static string Write(FaultReport report)
    {
        var options = report.Options;
        var md = new StringBuilder();
        md.AppendLine(Heading).AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Command: `dotnet run -c Release --project src/ChatActors.Soak -- --approach process{(options.Faults ? " --faults" : string.Empty)} --seed {options.Seed} --minutes {options.Duration.TotalMinutes:0.#} --clients {options.Clients} --line-interval {options.LineInterval.TotalSeconds:0.#}{(options.ReportPath is null ? string.Empty : " --report docs/SOAK.md")}`").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Run on {DateTime.Now:yyyy-MM-dd HH:mm} ({Environment.ProcessorCount} cores): `run.ps1 -Approach process -Servers {options.Servers} -Capacity {options.Capacity}` (node 0 and one node per server), started in a temporary folder on free ports.");
        md.AppendLine(CultureInfo.InvariantCulture, $"{options.Clients} clients of the project's own client code (ChatClient, reconnecting through the balancer) chatted for {options.Duration.TotalMinutes:0.#} minutes, each typing a numbered line every {options.LineInterval.TotalSeconds:0.#} s on average, leaving with a rating after 20 to 120 s and coming back; the two clients of a pair want the same name. {(options.Faults ? $"The nemesis (seed {options.Seed}) broke one node at a time: {report.Faults.Count} faults{LastFault(report)}." : "No faults.")} {report.Elapsed.TotalMinutes:0.0} minutes in all.").AppendLine();

        md.AppendLine(report.Passed ? "**Result: every check passed.**" : "**Result: FAILED.**").AppendLine();
        md.AppendLine("| check | result | figures |").AppendLine("| --- | --- | --- |");
        foreach (var (check, passed, detail) in report.Checks())
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {check} | {(passed ? "pass" : "**FAIL**")} | {detail} |");
        }

        md.AppendLine().AppendLine("## Faults").AppendLine().AppendLine("| at | node | pid | fault |").AppendLine("| --- | --- | --- | --- |");
        foreach (var fault in report.Faults)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {fault.At:mm\\:ss} | {fault.Node} | {fault.Pid} | {fault.What} |");
        }

        md.AppendLine().AppendLine("run.ps1 about the nodes:").AppendLine();
        foreach (var restart in report.Nodes.Restarts)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- `{restart}`");
        }

        md.AppendLine().AppendLine("## What the clients met").AppendLine().AppendLine("| outcome | times |").AppendLine("| --- | --- |");
        foreach (var (what, times) in report.Tally.Events.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {what} | {times:N0} |");
        }

        md.AppendLine().AppendLine("## Node memory (RSS of every node process, summed)").AppendLine().AppendLine("| time | processes | MB |").AppendLine("| --- | --- | --- |");
        foreach (var sample in report.Memory.Where((_, i) => i % 3 == 0))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {sample.At:mm\\:ss} | {sample.RssByPid.Count} | {sample.Megabytes:0.0} |");
        }

        md.AppendLine().AppendLine("## Problems").AppendLine();
        md.AppendLine(report.Tally.Problems.Count == 0 ? "None." : string.Join("\n", report.Tally.Problems.Select(pair => $"- {pair.Key}: {pair.Value}")));
        foreach (var example in report.Tally.ProblemExamples.Concat(report.Lines.Check.Missing.Take(5)))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"  - e.g. {example}");
        }

        return md.ToString();
    }

    private static string LastFault(FaultReport report) =>
        report.Faults.Count == 0 ? string.Empty : $", the last one over at {report.Faults[^1].Until:mm\\:ss}";
}
