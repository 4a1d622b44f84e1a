using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ChatActors.Live;

/// <summary>The live view as Spectre.Console draws it, like the original server window: the counters, a table of servers, the rolling log.</summary>
public static class LiveViewRendering
{
    // The lines of the view that are not the servers' rows or the events: the title, the
    // counters, the table's borders and header, the events box's borders, the footer.
    private const int FixedLines = 1 + 1 + 4 + 2 + 1;
    private const int FewestEventRows = 3;

    /// <param name="footer">What to do, e.g. where the log file is and how to stop.</param>
    /// <param name="height">The terminal's rows: the events box takes all the table leaves, one line per event.</param>
    public static IRenderable Render(LiveModel model, DateTime now, string footer, int height)
    {
        var stats = model.Stats;
        var counters = new Grid().AddColumns(6);
        counters.AddRow(
            Figure("rating", stats is null ? "-" : stats.AverageRating.ToString("0.00", CultureInfo.InvariantCulture)),
            Figure("today", stats?.TodayCount),
            Figure("this month", stats?.MonthlyCount),
            Figure("approached", stats?.TotalApproaches),
            Figure("lost", stats?.LostCount),
            Figure("online", stats?.Online));

        var servers = new Table().Border(TableBorder.Rounded).Expand()
            .AddColumns("server", "node", "port", "online", "last joined");
        foreach (var server in model.Servers.Values)
        {
            servers.AddRow(
                Markup.Escape(server.Name),
                Markup.Escape(server.Node),
                server.Port.ToString(CultureInfo.InvariantCulture),
                $"{server.Online} / {server.Capacity}",
                Markup.Escape(server.LastJoined ?? "-"));
        }

        if (model.Servers.IsEmpty)
        {
            servers.AddRow("[grey]no server up yet[/]", string.Empty, string.Empty, string.Empty, string.Empty);
        }

        var eventRows = Math.Max(FewestEventRows, height - FixedLines - Math.Max(1, model.Servers.Count));
        IRenderable log = model.Log.Count == 0
            ? new Markup("[grey]nothing yet[/]")
            : new Rows(model.Log.TakeLast(eventRows).Select(entry =>
                new Markup($"[grey]{entry.At:HH:mm:ss}[/] {Markup.Escape(entry.Text)}").Overflow(Overflow.Ellipsis)));

        return new Rows(
            new Markup($"[bold]ChatActors[/]  {now.ToString("ddd d MMM yyyy  HH:mm:ss", CultureInfo.InvariantCulture)}"),
            counters,
            servers,
            new Panel(log).Header("what happens").Expand(),
            new Markup($"[grey]{Markup.Escape(footer)}[/]"));
    }

    private static Markup Figure(string label, long? value) =>
        Figure(label, value?.ToString("N0", CultureInfo.InvariantCulture) ?? "-");

    private static Markup Figure(string label, string value) => new($"[grey]{label}[/] [bold]{value}[/]");
}
