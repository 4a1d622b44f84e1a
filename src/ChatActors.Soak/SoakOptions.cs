using System.Globalization;

namespace ChatActors.Soak;

/// <param name="Duration">How long the clients chat and misbehave (the join and the final checks come on top).</param>
/// <param name="LineInterval">How often each well-behaved client says something.</param>
/// <param name="ReportPath">Where the Markdown report goes, besides the console; null: the console only.</param>
public sealed record SoakOptions(TimeSpan Duration, int Clients, double MisbehavingShare, TimeSpan LineInterval, int Servers, int Capacity, string? ReportPath)
{
    public const string Usage = """
        ChatActors soak: one node (started from this build), many clients, some of them hostile.

          dotnet run -c Release --project src/ChatActors.Soak -- [options]

          --minutes N          how long the chat runs (default 5)
          --clients N          clients in all (default 1000)
          --misbehaving F      share of them that misbehave (default 0.1)
          --line-interval S    seconds between two lines of a well-behaved client (default 10)
          --servers N          servers of the node (default 3)
          --capacity N         clients per server (default 1000)
          --report FILE        also write the Markdown report to FILE (e.g. docs/SOAK.md)
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
                ("--clients", { } clients) when clients >= 20 => options with { Clients = (int)clients },
                ("--misbehaving", { } share) when share < 1 => options with { MisbehavingShare = share },
                ("--line-interval", { } seconds) => options with { LineInterval = TimeSpan.FromSeconds(seconds) },
                ("--servers", { } servers) => options with { Servers = (int)servers },
                ("--capacity", { } capacity) => options with { Capacity = (int)capacity },
                ("--report", _) => options with { ReportPath = Path.GetFullPath(value) },
                _ => null,
            };
            if (next is null)
            {
                errors.WriteLine($"soak: {name} {value} is not a valid option and value\n\n{Usage}");
                return null;
            }

            options = next;
        }

        return options;
    }
}
