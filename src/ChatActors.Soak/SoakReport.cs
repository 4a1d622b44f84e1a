using System.Globalization;
using System.Text;

namespace ChatActors.Soak;

/// <summary>The checks of one soak and its Markdown report.</summary>
public sealed record SoakReport(
    SoakOptions Options,
    Tally Tally,
    int WellBehaved,
    int Joined,
    long LinesDelivered,
    TimeSpan JoinTime,
    TimeSpan Elapsed,
    IReadOnlyList<MemorySample> Memory,
    TimeSpan NodeCpu,
    int NodeExitCode,
    IReadOnlyList<string> NodeWarnings,
    IReadOnlyList<string> NodeErrors,
    StorageFigures Storage)
{
    public IReadOnlyList<(string Check, bool Passed, string Detail)> Checks()
    {
        // The garbage collector makes RSS a saw: it climbs until a full collection, then drops.
        // Memory that leaks lifts the low points too, so the low point of the chat's second half
        // must come back under the high point of its first half.
        var chatting = Memory.Where(sample => sample.Phase == "chatting").ToList();
        var firstHalfHigh = chatting.Take(chatting.Count / 2).Select(sample => sample.RssBytes).DefaultIfEmpty().Max();
        var secondHalfLow = chatting.Skip(chatting.Count / 2).Select(sample => sample.RssBytes).DefaultIfEmpty().Min();
        var wellBehavedProblems = new[]
        {
            "well-behaved client cut off", "error to a well-behaved client", "line lost", "line twice or out of order",
            "corrupt or impersonated line", "control character on a screen",
        }.Sum(kind => Tally.Problems.GetValueOrDefault(kind));
        var otherProblems = Tally.Problems.Values.Sum() - wellBehavedProblems;
        return
        [
            ("every well-behaved client joined", Joined == WellBehaved, $"{Joined} of {WellBehaved}"),
            ("well-behaved clients lost no line, got none twice or corrupt, were never cut off or told an error", wellBehavedProblems == 0, $"{LinesDelivered:N0} lines delivered to them; {wellBehavedProblems} problems"),
            ("node memory stayed flat", chatting.Count >= 4 && secondHalfLow <= firstHalfHigh, $"high point of the chat's first half {Mb(firstHalfHigh)} MB, low point of its second half {Mb(secondHalfLow)} MB"),
            ("no actor failed (no error in the node's log)", NodeErrors.Count == 0, $"{NodeErrors.Count} error lines"),
            ("the node stopped cleanly", NodeExitCode == 0, $"exit code {NodeExitCode}"),
            ("every misbehaving client got the answer PROTOCOL.md promises", otherProblems == 0, $"{otherProblems} problems"),
            ("Today_Count and Monthly_Count = joins seen", Storage.TodayCount == Tally.Joins && Storage.MonthlyCount == Tally.Joins, $"{Storage.TodayCount}, {Storage.MonthlyCount}; {Tally.Joins} joins"),
            ("Total_Approaches = balancer replies seen", Storage.TotalApproaches == Tally.Approaches, $"{Storage.TotalApproaches}; {Tally.Approaches} replies"),
            ("Lost_Count = refusals seen", Storage.LostCount == Tally.Lost, $"{Storage.LostCount}; {Tally.Lost} refusals"),
            ("Average_Rating = mean of the ratings given", Math.Abs(Storage.AverageRating - Tally.AverageRating) < 0.005, $"{Storage.AverageRating:0.00}; {Tally.AverageRating:0.00} over {Tally.RatedLeaves} rated leaves"),
            ("session rows = joins, rated rows = rated leaves", Storage.Sessions == Tally.Joins && Storage.RatedSessions == Tally.RatedLeaves, $"{Storage.Sessions} rows, {Storage.RatedSessions} rated"),
            ("names of quotes and SQL stored exactly", Storage.SqlNamesMissing.Count == 0, $"{Tally.SqlNames.Count()} names, {Storage.SqlNamesMissing.Count} missing"),
        ];
    }

    public bool Passed => Checks().All(check => check.Passed);

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        md.AppendLine("# Soak report").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Command: `dotnet run -c Release --project src/ChatActors.Soak -- --minutes {Options.Duration.TotalMinutes:0.#} --clients {Options.Clients}{(Options.ReportPath is null ? string.Empty : " --report docs/SOAK.md")}`").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Run on {DateTime.Now:yyyy-MM-dd HH:mm} ({Environment.ProcessorCount} cores). One node of this build, {Options.Servers} servers of capacity {Options.Capacity}, the limits per address applied to loopback (every 127.x.y.z is an address of its own), everything else as in hocon/base.conf.");
        md.AppendLine(CultureInfo.InvariantCulture, $"{WellBehaved} well-behaved clients (ten per address) joined in {JoinTime.TotalSeconds:0.0} s and said a line every {Options.LineInterval.TotalSeconds:0} s; {Options.Misbehaving} misbehaving clients (one address each, ten of each kind) repeated their misbehaviour for {Options.Duration.TotalMinutes:0.#} minutes. {Elapsed.TotalMinutes:0.0} minutes in all; the node used {NodeCpu.TotalSeconds:0} CPU seconds.").AppendLine();

        md.AppendLine(Passed ? "**Result: every check passed.**" : "**Result: FAILED.**").AppendLine();
        md.AppendLine("| check | result | figures |").AppendLine("| --- | --- | --- |");
        foreach (var (check, passed, detail) in Checks())
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {check} | {(passed ? "pass" : "**FAIL**")} | {detail} |");
        }

        md.AppendLine().AppendLine("## Node memory (RSS)").AppendLine().AppendLine("| time | phase | MB |").AppendLine("| --- | --- | --- |");
        foreach (var sample in Memory)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {sample.At:mm\\:ss} | {sample.Phase} | {sample.Megabytes:0.0} |");
        }

        md.AppendLine().AppendLine("## What the misbehaving clients met").AppendLine().AppendLine("| outcome | times |").AppendLine("| --- | --- |");
        foreach (var (what, times) in Tally.Events.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {what} | {times:N0} |");
        }

        md.AppendLine().AppendLine("## Problems").AppendLine();
        md.AppendLine(Tally.Problems.IsEmpty() ? "None." : string.Join("\n", Tally.Problems.Select(pair => $"- {pair.Key}: {pair.Value}")));
        foreach (var example in Tally.ProblemExamples)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"  - e.g. {example}");
        }

        md.AppendLine().AppendLine("## The node's log").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"{NodeWarnings.Count} warning lines, {NodeErrors.Count} error lines. Warnings by kind (what follows the actor path, numbers taken out):").AppendLine();
        foreach (var kind in NodeWarnings.GroupBy(WarningKind).OrderByDescending(group => group.Count()).Take(12))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- {kind.Count()} x `{kind.Key}`, e.g. `{Shorten(kind.First())}`");
        }

        foreach (var error in NodeErrors.Take(10))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- error: `{error}`");
        }

        return md.ToString();
    }

    private static string WarningKind(string line)
    {
        // [LEVEL][time][thread][actor path] message
        var message = System.Text.RegularExpressions.Regex.Replace(line, @"^(\[[^\]]*\]){4}\s*", string.Empty);
        return Shorten(System.Text.RegularExpressions.Regex.Replace(message, @"\d+(\.\d+)*", "N"));
    }

    private static string Shorten(string text) => text.Length > 160 ? text[..160] + "..." : text;

    private static string Mb(long bytes) => (bytes / 1024.0 / 1024.0).ToString("0.0", CultureInfo.InvariantCulture);
}

internal static class DictionaryExtensions
{
    public static bool IsEmpty<TKey, TValue>(this IReadOnlyDictionary<TKey, TValue> dictionary) => dictionary.Count == 0;
}
