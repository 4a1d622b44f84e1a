using System.Text.RegularExpressions;
using ChatActors.Hosting;
using ChatActors.Stats;
using ChatActors.Tests.Support;

namespace ChatActors.Tests.Integration;

/// <summary>
/// A real node on a real storage.db or PostgreSQL that another program locks, or that refuses
/// to be written: the clients wait or are told to try again, and what they saw is exactly what
/// is counted and stored, once the database is writable again.
/// </summary>
public class StorageOutageSpecs
{
    private static readonly TimeSpan Patient = TimeSpan.FromSeconds(30);
    private static string Today => StorageFormat.Date(DateTime.Now);

    private static Task<ChatNode> StartNodeAsync(TestStorage store, string journalPatience) =>
        TestNode.StartAsync(servers: 1, dbPath: store.Db, extraHocon: $$"""
            chat-actors {
              db-busy-timeout = 1s
              journal-patience = {{journalPatience}}
              stats-accept-timeout = 2s
              db-flush-interval = 50ms
            }
            akka.loglevel = INFO
            """);

    /// <summary>A client sees its own join line before its server reports it online, so <c>online</c> may lag a moment.</summary>
    private static async Task ExpectStatsAsync(ChatNode node, StatsSnapshot expected) =>
        await Eventually.HoldsAsync(async () => await TestCluster.StatsAsync(node) == expected, $"the stats {expected}");

    private static Task<List<string[]>> SessionsAsync(TestStorage store) => store.RowsAsync("""SELECT "User", "Out_Time" FROM session ORDER BY "In_Time", "User" """);

    [Theory]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task A_database_locked_by_another_program_delays_every_count_and_loses_none(string storage)
    {
        await using var store = await TestStorage.StartAsync(storage);
        await using var node = await StartNodeAsync(store, journalPatience: "60s");
        var ann = await ChatClient.JoinAsync(node.ServerPorts[0], "ann");
        Task<int?> approach;
        Task<string> annClosed;
        Task<ChatClient> benJoins;
        await using (await store.HoldJournalAsync())
        {
            benJoins = ChatClient.JoinAsync(node.ServerPorts[0], "ben");
            await ann.SendAsync("stop 4\n");
            annClosed = ann.ReadToEndAsync(Patient);
            approach = ChatClient.AskBalancerAsync(node.BalancerPort);

            // While the lock is held (several of the journal's 1 s attempts), nobody sees an outcome.
            await Assert.ThrowsAsync<TimeoutException>(() => Task.WhenAny(benJoins, annClosed, approach).WaitAsync(TimeSpan.FromSeconds(3)));
        }

        await using var ben = await benJoins;
        await annClosed;
        Assert.Equal(node.ServerPorts[0], await approach);
        await Eventually.HoldsAsync(
            async () => await store.RowsAsync("""SELECT "Today_Count", "Total_Approaches", "Average_Rating" FROM server""") is [["2", "1", "4"]],
            "the server row of two joins, one approach and the rating 4");
        var sessions = await SessionsAsync(store);
        Assert.Equal([["ann", sessions[0][1]], ["ben", "0"]], sessions);
        Assert.NotEqual("0", sessions[0][1]);
        await ExpectStatsAsync(node, new StatsSnapshot(Today, 2, 2, 1, 0, 4, 1));
    }

    [Theory]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task A_node_the_cluster_downed_closes_its_clients_at_once_though_their_leaves_cannot_be_counted(string storage)
    {
        await using var store = await TestStorage.StartAsync(storage);
        await using var node = await StartNodeAsync(store, journalPatience: "60s");
        var ann = await ChatClient.JoinAsync(node.ServerPorts[0], "ann");
        Task shutdown;
        await using (await store.HoldJournalAsync())
        {
            shutdown = Akka.Actor.CoordinatedShutdown.Get(node.System).Run(Akka.Actor.CoordinatedShutdown.ClusterDowningReason.Instance);

            // Its clients' names are free elsewhere already: they hear the close now, not after the journal's patience.
            Assert.Equal(string.Empty, await ann.ReadToEndAsync(TimeSpan.FromSeconds(3)));
        }

        await shutdown;
    }

    [Theory]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task A_journal_that_cannot_be_written_for_longer_than_its_patience_counts_nothing_it_refused(string storage)
    {
        await using var store = await TestStorage.StartAsync(storage);
        await using var node = await StartNodeAsync(store, journalPatience: "2s");
        var statsLines = LogLines.Collect(node.System, "stats date=");
        var failedRecoveries = LogLines.Collect(node.System, "failure when replaying events");
        await using (var ann = await ChatClient.JoinAsync(node.ServerPorts[0], "ann"))
        {
            await ann.SendAsync("stop 5\n");
            await ann.ReadToEndAsync();
        }

        // The journal can neither be written nor read: the stats actor's writes fail, and so do its recoveries.
        await store.ExecuteAsync("ALTER TABLE journal RENAME TO journal_away");
        await using var ben = await ChatClient.ConnectAsync(node.ServerPorts[0]);
        Assert.Equal("Server-1", await ben.ReadLineAsync());
        await ben.SendAsync("ben joined the server\n");
        Assert.Equal("ERROR join failed, try again", await ben.ReadLineAsync(Patient));
        await Eventually.HoldsAsync(() => !failedRecoveries.IsEmpty, "a stats actor that starts again and cannot recover", Patient);

        await store.ExecuteAsync("ALTER TABLE journal_away RENAME TO journal");
        await Eventually.HoldsAsync(
            async () =>
            {
                await ben.SendAsync("ben joined the server\n");
                return (await ben.ReadLineAsync(Patient)) == "ben joined the server";
            },
            "ben's join once the journal is back",
            Patient);

        await ExpectStatsAsync(node, new StatsSnapshot(Today, 2, 2, 0, 0, 5, 1));
        await Eventually.HoldsAsync(async () => (await SessionsAsync(store)).Count == 2, "ben's row");
        Assert.Equal(["ann", "ben"], (await SessionsAsync(store)).Select(row => row[0]));

        // No incarnation of the stats actor logged counters it had not recovered: today never went back.
        var todays = statsLines.Select(line => int.Parse(Regex.Match(line, @"today=(\d+)").Groups[1].Value)).ToList();
        Assert.NotEmpty(todays);
        Assert.Equal(todays.Order(), todays);
    }
}
