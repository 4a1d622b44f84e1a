using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace ChatActors.Bench;

/// <summary>
/// The Markdown table: one column per target, the ratio of ChatActors to Redis from the same
/// run, and the target of docs/BENCHMARKS.md with whether it was met.
/// </summary>
public static class Report
{
    private const double FanOutRatio = 1.2;
    private const double JoinsPerSecond = 5000;
    private const double CpuPerThousandJoins = 0.3;
    private static readonly TimeSpan HandshakeP99 = TimeSpan.FromMilliseconds(2);
    private const double IdleKilobytes = 4;

    public static string Milliseconds(TimeSpan time) => $"{time.TotalMilliseconds:0.00} ms";

    public static async Task<string> ToMarkdownAsync(BenchOptions options, IReadOnlyList<TargetResults> results)
    {
        var chat = results.FirstOrDefault(r => r.Name == "ChatActors");
        var redis = results.FirstOrDefault(r => r.Name == "Redis");
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Machine: {await MachineAsync(redis is not null)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Lines of {options.LineBytes} bytes, window {options.Window} per publisher, {options.Messages:N0} lines per publisher; a node of {options.Servers} servers.");
        text.AppendLine();
        text.AppendLine($"| scenario | measure | {string.Join(" | ", results.Select(r => r.Name))} | ChatActors / Redis | target | met |");
        text.AppendLine($"| --- | --- | {string.Join(" | ", results.Select(_ => "---"))} | --- | --- | --- |");

        void Row(string scenario, string measure, Func<TargetResults, string?> value, double? ratio, string target, bool? met)
        {
            var values = results.Select(r => value(r) ?? "n/a");
            text.AppendLine($"| {scenario} | {measure} | {string.Join(" | ", values)} | {(ratio is { } x && double.IsFinite(x) ? $"{x:0.00}×" : "")} | {target} | {(met is { } ok ? ok ? "yes" : "**no**" : "")} |");
        }

        if (chat?.Handshake is not null || redis?.Handshake is not null)
        {
            var chatP99 = chat?.Handshake?.Latency.Percentile(0.99);
            Row($"{options.Handshakes} handshakes, one at a time", "p50 / p99",
                r => r.Handshake is { } h ? $"{Milliseconds(h.Latency.Percentile(0.5))} / {Milliseconds(h.Latency.Percentile(0.99))}" : null,
                Ratio(chatP99?.TotalMilliseconds, redis?.Handshake?.Latency.Percentile(0.99).TotalMilliseconds),
                "p99 < 2 ms", chatP99 is { } p99 ? p99 < HandshakeP99 : null);
        }

        if (chat?.Joins is not null || redis?.Joins is not null)
        {
            Row($"{options.Joins:N0} joining at once", "joins/s (joined)",
                r => r.Joins is { } j ? $"{j.JoinsPerSecond:N0} ({j.Joined:N0})" : null,
                Ratio(chat?.Joins?.JoinsPerSecond, redis?.Joins?.JoinsPerSecond),
                "≥ 5,000/s, none lost", chat?.Joins is { } joins ? joins.JoinsPerSecond >= JoinsPerSecond && joins.Joined == joins.Clients : null);
        }

        if (chat?.BurstJoins is not null || redis?.BurstJoins is not null)
        {
            var chatBursts = chat?.BurstJoins;
            var redisBursts = redis?.BurstJoins;
            Row($"{options.Joins:N0} joining in bursts of {(chatBursts ?? redisBursts)!.Burst}", "joins/s (joined)",
                r => r.BurstJoins is { } b ? $"{b.Joins.JoinsPerSecond:N0} ({b.Joins.Joined:N0})" : null,
                Ratio(chatBursts?.Joins.JoinsPerSecond, redisBursts?.Joins.JoinsPerSecond),
                "≥ Redis, none lost", chatBursts is { } mine && redisBursts is { } theirs ? mine.Joins.JoinsPerSecond >= theirs.Joins.JoinsPerSecond && mine.Joins.Joined == mine.Joins.Clients : null);
            Row("the same, joined and left", "server CPU s per 1,000",
                r => r.BurstJoins?.CpuPerThousand?.ToString("0.000", CultureInfo.InvariantCulture),
                Ratio(chatBursts?.CpuPerThousand, redisBursts?.CpuPerThousand),
                "≤ 0.3 s", chatBursts?.CpuPerThousand is { } cpu ? cpu <= CpuPerThousandJoins : null);
        }

        for (var i = 0; i < options.FanOuts.Count; i++)
        {
            var (s, p) = options.FanOuts[i];
            var c = chat?.FanOuts.ElementAtOrDefault(i);
            var r = redis?.FanOuts.ElementAtOrDefault(i);
            if (c is null && r is null)
            {
                continue;
            }

            var scenario = $"fan-out S={s:N0} P={p}";
            var both = c is not null && r is not null;
            Row(scenario, "delivered lines/s", t => t.FanOuts.ElementAtOrDefault(i)?.LinesPerSecond.ToString("N0", CultureInfo.InvariantCulture),
                Ratio(c?.LinesPerSecond, r?.LinesPerSecond), "≥ 1.2× Redis", both ? c!.LinesPerSecond >= FanOutRatio * r!.LinesPerSecond : null);
            Row(scenario, "latency p50 / p99 / p99.9", t => t.FanOuts.ElementAtOrDefault(i) is { } f ? $"{Milliseconds(f.Latency.Percentile(0.5))} / {Milliseconds(f.Latency.Percentile(0.99))} / {Milliseconds(f.Latency.Percentile(0.999))}" : null,
                Ratio(c?.Latency.Percentile(0.99).TotalMilliseconds, r?.Latency.Percentile(0.99).TotalMilliseconds), "p99 ≤ Redis",
                both ? c!.Latency.Percentile(0.99) <= r!.Latency.Percentile(0.99) : null);
            Row(scenario, "lost / dup / corrupt / out of order", t => t.FanOuts.ElementAtOrDefault(i) is { } f ? $"{f.Lost} / {f.Duplicated} / {f.Corrupt} / {f.OutOfOrder}" : null,
                null, "none", c is not null ? c.Lost + c.Duplicated + c.Corrupt + c.OutOfOrder == 0 : null);
            Row(scenario, "server CPU s per M deliveries", t => t.FanOuts.ElementAtOrDefault(i)?.CpuPerMillion?.ToString("0.000", CultureInfo.InvariantCulture),
                Ratio(c?.CpuPerMillion, r?.CpuPerMillion), "< Redis", both && c!.CpuPerMillion is { } mine && r!.CpuPerMillion is { } theirs ? mine < theirs : null);
        }

        if (chat?.Idle is not null || redis?.Idle is not null)
        {
            Row($"{options.IdleClients:N0} idle clients, {IdleScenario.Holds} holds", "RSS over the baseline per client: median (each hold)",
                t => t.Idle is { } idle ? $"{idle.BytesPerClient / 1024:0.0} KB ({string.Join(", ", idle.BytesPerClientByHold.Select(bytes => $"{bytes / 1024:0.0}"))})" : null,
                Ratio(chat?.Idle?.BytesPerClient, redis?.Idle?.BytesPerClient), "≤ 4 KB in every hold", chat?.Idle is { } mine ? mine.BytesPerClientByHold.All(bytes => bytes / 1024 <= IdleKilobytes) : null);
        }

        if (chat?.Storm is { } storm)
        {
            var scenario = $"reconnect storm: {storm.Clients:N0} on 3 server nodes, one killed -9";
            Row(scenario, "cut-off clients joined again within 10 s (the last after)",
                t => t.Storm is { } s ? $"{s.RejoinedWithin(StormScenario.BackWithin):N0} of {s.CutOff:N0} ({(s.BackWithin.Count > 0 ? $"{s.BackWithin[^1].TotalSeconds:0.0} s" : "n/a")})" : null,
                null, "all within 10 s", storm.RejoinedWithin(StormScenario.BackWithin) == storm.CutOff);
            Row(scenario, "joins counted (joins seen)", t => t.Storm is { } s ? $"{s.JoinsCounted?.ToString("N0", CultureInfo.InvariantCulture) ?? "unknown"} ({s.JoinsExpected:N0})" : null,
                null, "none lost or doubled", storm.JoinsCounted == storm.JoinsExpected);
        }

        return text.ToString();
    }

    private static double? Ratio(double? chat, double? redis) => chat is { } c && redis is { } r && r > 0 ? c / r : null;

    private static async Task<string> MachineAsync(bool withRedis)
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(line => line.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        var machine = $"{DateTime.Now:yyyy-MM-dd}, {Environment.ProcessorCount} cores ({cpu ?? RuntimeInformation.ProcessArchitecture.ToString()}), {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}";
        return withRedis ? $"{machine}, {await RedisVersionAsync()}" : machine;
    }

    private static async Task<string> RedisVersionAsync()
    {
        using var version = Process.Start(new ProcessStartInfo("redis-server", "--version") { RedirectStandardOutput = true })!;
        var line = await version.StandardOutput.ReadToEndAsync();
        await version.WaitForExitAsync();
        return line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(3) is var words ? string.Join(' ', words) : "Redis";
    }
}
