using System.Globalization;

namespace ChatActors.Bench;

/// <param name="Targets">"chat", "redis" or both, in that order.</param>
/// <param name="Host">A running node's balancer host, instead of starting one; null: start one.</param>
/// <param name="FanOuts">The fan-out scenarios, each S subscribers and P publishers.</param>
public sealed record BenchOptions(
    IReadOnlyList<string> Targets, string? Host, int Port, int? NodePid, int Servers,
    IReadOnlyList<string> Scenarios, IReadOnlyList<(int Subscribers, int Publishers)> FanOuts,
    int Messages, int Window, int LineBytes, int Handshakes, int Joins, int IdleClients,
    int StormClients, TimeSpan ScenarioTimeout, string? ReportPath)
{
    public static readonly string[] AllScenarios = ["handshake", "joins", "fanout", "idle", "storm"];

    /// <summary>How the node it starts runs its servers: "fork" (one node) or "process" (run.ps1's process cluster, a node per server).</summary>
    public string Approach { get; init; } = "fork";

    public const string Usage = """
        ChatActors benchmark: a node of this build and a redis-server under the same load, side by side.

          src/ChatActors.Bench/bench.sh [options]      (installs redis-server when missing)
          dotnet run -c Release --project src/ChatActors.Bench -- [options]

          --target chat|redis|both   what to measure (default both: the table shows their ratio)
          --host H --port N          a running node's balancer instead of starting one (chat only)
          --node-pid N               that node's process, for its memory and CPU time
          --servers N                servers of the node it starts (default 3)
          --approach fork|process    process: run.ps1 -Approach process, a node per server and one for
                                     the balancer (handshake, joins, fan-out; no CPU or memory figures)
          --scenarios LIST           any of handshake,joins,fanout,idle,storm (default all; storm: ChatActors only)
          --fanout LIST              SxP pairs (default 100x1,100x4,1000x1)
          --messages M               lines per publisher (default 50000)
          --window W                 lines per publisher not yet delivered to everyone (default 32)
          --line-bytes N             payload size (default 48)
          --handshakes N             one after another on an idle server (default 200)
          --joins N                  clients joining at once (default 1000)
          --idle N                   idle clients of each hold for the memory figure (default 5000)
          --storm N                  clients on the 3 server nodes of a process cluster, one of them
                                     killed -9 (default 3000): how soon its clients are back
          --timeout S                seconds a fan-out may take at most (default 120)
          --report FILE              also write the Markdown table to FILE
        """;

    public static BenchOptions Default => new(
        ["chat", "redis"], null, 12345, null, 3, AllScenarios, [(100, 1), (100, 4), (1000, 1)],
        50_000, 32, 48, 200, 1000, 5000, 3000, TimeSpan.FromSeconds(120), null);

    /// <summary>The options, or null after printing why they are wrong (or the usage, for --help).</summary>
    public static BenchOptions? Parse(string[] args, TextWriter errors)
    {
        var options = Default;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name is "--help" or "-h" or "-?")
            {
                errors.WriteLine(Usage);
                return null;
            }

            var value = i + 1 < args.Length ? args[++i] : null;
            var next = value is null ? null : With(options, name, value);
            if (next is null)
            {
                errors.WriteLine($"bench: {name} {value} is not a valid option and value\n\n{Usage}");
                return null;
            }

            options = next;
        }

        if (options.Host is not null && options.Targets.Contains("redis"))
        {
            options = options with { Targets = ["chat"] };
        }

        return options;
    }

    private static BenchOptions? With(BenchOptions options, string name, string value)
    {
        var number = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed > 0 ? parsed : (int?)null;
        return (name, number) switch
        {
            ("--target", _) when value is "chat" or "redis" => options with { Targets = [value] },
            ("--target", _) when value is "both" => options with { Targets = ["chat", "redis"] },
            ("--host", _) => options with { Host = value },
            ("--port", { } port) => options with { Port = port },
            ("--node-pid", { } pid) => options with { NodePid = pid },
            ("--servers", { } servers) => options with { Servers = servers },
            ("--approach", _) when value is "fork" or "process" => options with { Approach = value },
            ("--scenarios", _) when ParseList(value) is { } scenarios && scenarios.All(AllScenarios.Contains) => options with { Scenarios = scenarios },
            ("--fanout", _) when ParseFanOuts(value) is { } fanOuts => options with { FanOuts = fanOuts },
            ("--messages", { } messages) => options with { Messages = messages },
            ("--window", { } window) => options with { Window = window },
            ("--line-bytes", { } bytes) when bytes is >= 40 and <= 4000 => options with { LineBytes = bytes },
            ("--handshakes", { } handshakes) => options with { Handshakes = handshakes },
            ("--joins", { } joins) => options with { Joins = joins },
            ("--idle", { } idle) => options with { IdleClients = idle },
            ("--storm", { } storm) => options with { StormClients = storm },
            ("--timeout", { } seconds) => options with { ScenarioTimeout = TimeSpan.FromSeconds(seconds) },
            ("--report", _) => options with { ReportPath = Path.GetFullPath(value) },
            _ => null,
        };
    }

    private static string[]? ParseList(string value) => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is { Length: > 0 } items ? items : null;

    private static List<(int, int)>? ParseFanOuts(string value)
    {
        var pairs = new List<(int, int)>();
        foreach (var item in ParseList(value) ?? [])
        {
            var parts = item.Split('x');
            if (parts.Length != 2 || !int.TryParse(parts[0], out var s) || !int.TryParse(parts[1], out var p) || s < 1 || p < 1)
            {
                return null;
            }

            pairs.Add((s, p));
        }

        return pairs.Count > 0 ? pairs : null;
    }

    /// <summary>The most clients any scenario has connected at once (the servers' capacity, Redis's maxclients).</summary>
    public int MostClients => new[] { Joins, IdleClients + 100 }.Concat(FanOuts.Select(f => f.Subscribers + f.Publishers)).Max();
}
