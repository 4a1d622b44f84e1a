using System.Collections.Immutable;
using ChatActors.Stats;

namespace ChatActors.Live;

/// <summary>Everything the live view shows: the counters, every server of the cluster, and the newest events.</summary>
public sealed record LiveModel(StatsSnapshot? Stats, ImmutableSortedDictionary<string, ServerShown> Servers, ImmutableList<LiveEvent> Log)
{
    /// <summary>The most events kept: more than any terminal is high, so the box fills whatever height it has.</summary>
    public const int LogLines = 200;

    public static readonly LiveModel Empty = new(null, ImmutableSortedDictionary.Create<string, ServerShown>(new ServerNameOrder()), []);

    public LiveModel With(ServerShown server) => this with { Servers = Servers.SetItem(server.Name, server) };

    public LiveModel Without(string serverName) => this with { Servers = Servers.Remove(serverName) };

    public LiveModel With(LiveEvent happened)
    {
        var log = Log.Add(happened);
        return this with { Log = log.Count > LogLines ? log.RemoveRange(0, log.Count - LogLines) : log };
    }

    /// <summary>Server-2 before Server-10.</summary>
    private sealed class ServerNameOrder : IComparer<string>
    {
        public int Compare(string? x, string? y)
        {
            var (a, b) = (Number(x), Number(y));
            return a != b ? a.CompareTo(b) : string.CompareOrdinal(x, y);
        }

        private static int Number(string? name) =>
            name is not null && int.TryParse(name.AsSpan(name.LastIndexOf('-') + 1), out var number) ? number : int.MaxValue;
    }
}
