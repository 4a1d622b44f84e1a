using ChatActors.Live;
using ChatActors.Stats;

namespace ChatActors.Admin;

/// <summary>What the dashboard page shows, sent to it as JSON: the terminal live view's figures, the nodes, and the charts.</summary>
public sealed record DashboardView(
    StatsSnapshot? Stats,
    IReadOnlyList<ServerView> Servers,
    IReadOnlyList<EventView> Events,
    IReadOnlyList<NodePicture> Nodes,
    ChartSeries Charts);

public sealed record ServerView(string Name, string Node, int Port, int Online, int Capacity, string? LastJoined)
{
    public static ServerView Of(ServerShown server) => new(server.Name, server.Node, server.Port, server.Online, server.Capacity, server.LastJoined);
}

public sealed record EventView(DateTime At, string Text);

/// <summary>One point a second over the last 10 minutes, oldest first.</summary>
/// <param name="At">Unix time in seconds of each point.</param>
public sealed record ChartSeries(IReadOnlyList<long> At, IReadOnlyList<int> Online, IReadOnlyList<long> JoinsPerSecond, IReadOnlyList<long> LinesPerSecond);
