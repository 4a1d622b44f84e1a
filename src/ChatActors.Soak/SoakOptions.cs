using System.Globalization;

namespace ChatActors.Soak;

/// <param name="Duration">How long the clients chat and misbehave (the join and the final checks come on top).</param>
/// <param name="LineInterval">How often each well-behaved client says something.</param>
/// <param name="ReportPath">Where the Markdown report goes, besides the console; null: the console only.</param>
/// <param name="Approach">fork: one node under well-behaved and misbehaving clients; process: the fault run's cluster of run.ps1.</param>
/// <param name="Faults">Whether the nemesis breaks the process cluster's nodes.</param>
public sealed record SoakOptions(TimeSpan Duration, int Clients, double MisbehavingShare, TimeSpan LineInterval, int Servers, int Capacity, string? ReportPath)
{
    public string Approach { get; init; } = "fork";

    public bool Faults { get; init; }

    public int Seed { get; init; } = 1;

    /// <summary>Where the fault run copies its nodes' logs before it removes its folder; null: nowhere.</summary>
    public string? KeepLogs { get; init; }

    public const string Usage = """
        ChatActors soak: one node (started from this build), many clients, some of them hostile.

          dotnet run -c Release --project src/ChatActors.Soak -- [options]

          --minutes N          how long the chat runs (default 5)
          --clients N          clients in all (default 1000)
          --misbehaving F      share of them that misbehave (default 0.1)
          --line-interval S    seconds between two lines of a well-behaved client (default 10)
          --servers N          servers of the node (default 3)
          --capacity N         clients per server (default 1000)
          --report FILE        also write the Markdown report into FILE (e.g. docs/SOAK.md), replacing
                               the section of the same run kind and keeping the others

        The fault run: a process cluster of run.ps1 under reconnecting clients of the project's
        own client code (well-behaved only), while a nemesis kills and pauses its nodes.

          --approach process   start the cluster with run.ps1 -Approach process (node 0 and one node per server)
          --faults             break its nodes: kill -9 and SIGSTOP/SIGCONT, one node at a time
          --seed N             the nemesis's seed: which node, which fault, how long (default 1)
          --keep-logs DIR      copy the nodes' logs (logs/node-i.log) to DIR before the cluster's folder is removed

          e.g. --approach process --faults --seed 1 --minutes 10 --clients 60 --line-interval 1
        """;

    public int Misbehaving => (int)Math.Round(Clients * MisbehavingShare);

    public int WellBehaved => Clients - Misbehaving;

    /// <summary>The options, or null after printing why they are wrong (or the usage, for --help).</summary>
    public static SoakOptions? Parse(string[] args, TextWriter errors)
    {
        var options = new SoakOptions(TimeSpan.FromMinutes(5), 1000, 0.1, TimeSpan.FromSeconds(10), 3, 1000, null);
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name is "--help" or "-h" or "-?")
            {
                errors.WriteLine(Usage);
                return null;
            }

            if (name == "--faults")
            {
                options = options with { Faults = true };
                continue;
            }

            if (i + 1 >= args.Length)
            {
                errors.WriteLine($"soak: {name} needs a value\n\n{Usage}");
                return null;
            }

            var value = args[++i];
            var number = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && parsed > 0 ? parsed : (double?)null;
            SoakOptions? next = (name, number) switch
            {
                ("--minutes", { } minutes) => options with { Duration = TimeSpan.FromMinutes(minutes) },
                ("--clients", { } clients) when clients >= 2 => options with { Clients = (int)clients },
                ("--misbehaving", { } share) when share < 1 => options with { MisbehavingShare = share },
                ("--line-interval", { } seconds) => options with { LineInterval = TimeSpan.FromSeconds(seconds) },
                ("--servers", { } servers) => options with { Servers = (int)servers },
                ("--capacity", { } capacity) => options with { Capacity = (int)capacity },
                ("--report", _) => options with { ReportPath = Path.GetFullPath(value) },
                ("--keep-logs", _) => options with { KeepLogs = Path.GetFullPath(value) },
                ("--approach", _) when value is "fork" or "process" => options with { Approach = value },
                ("--seed", { } seed) when seed == Math.Floor(seed) && seed <= int.MaxValue => options with { Seed = (int)seed },
                _ => null,
            };
            if (next is null)
            {
                errors.WriteLine($"soak: {name} {value} is not a valid option and value\n\n{Usage}");
                return null;
            }

            options = next;
        }

        if (options.Approach == "fork" && options.Clients < 20)
        {
            errors.WriteLine("soak: the one-node soak needs --clients 20 or more (a tenth of them misbehave, ten of each kind)");
            return null;
        }

        if (options.Faults && options.Approach != "process")
        {
            errors.WriteLine("soak: --faults breaks the nodes of a process cluster: give --approach process too");
            return null;
        }

        return options;
    }
}
