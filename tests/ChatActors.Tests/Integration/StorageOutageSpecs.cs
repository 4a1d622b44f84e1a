using System.Text.RegularExpressions;
using ChatActors.Hosting;
using ChatActors.Stats;
using ChatActors.Tests.Support;
using Microsoft.Data.Sqlite;

namespace ChatActors.Tests.Integration;

/// <summary>
/// A real node on a real storage.db that another program locks, or that refuses to be
/// written: the clients wait or are told to try again, and what they saw is exactly what
/// is counted and stored, once the database is writable again.
/// </summary>
public class StorageOutageSpecs
{
    private static readonly TimeSpan Patient = TimeSpan.FromSeconds(30);
    private readonly string _dbPath = TestNode.NewDatabasePath();

    private static string Today => StorageFormat.Date(DateTime.Now);

    private Task<ChatNode> StartNodeAsync(string journalPatience) =>
        TestNode.StartAsync(servers: 1, dbPath: _dbPath, extraHocon: $$"""
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

    private List<string[]> Sessions() => SqliteFile.Rows(_dbPath, "SELECT User, Out_Time FROM session ORDER BY rowid");

    [Fact]
    public async Task A_database_locked_by_another_program_delays_every_count_and_loses_none()
    {
        await using var node = await StartNodeAsync(journalPatience: "60s");
        var ann = await ChatClient.JoinAsync(node.ServerPorts[0], "ann");
        ChatClient ben;
        await using (var holder = new SqliteConnection($"Data Source={_dbPath};Pooling=False"))
        {
            holder.Open();
            using var locking = holder.BeginTransaction(deferred: false);

            var benJoins = ChatClient.JoinAsync(node.ServerPorts[0], "ben");
            await ann.SendAsync("stop 4\n");
            var annClosed = ann.ReadToEndAsync(Patient);
            var approach = ChatClient.AskBalancerAsync(node.BalancerPort);

            // While the lock is held (several of the journal's 1 s attempts), nobody sees an outcome.
            await Assert.ThrowsAsync<TimeoutException>(() => Task.WhenAny(benJoins, annClosed, approach).WaitAsync(TimeSpan.FromSeconds(3)));
            locking.Commit();

            ben = await benJoins;
            await annClosed;
            Assert.Equal(node.ServerPorts[0], await approach);
        }

        await Eventually.HoldsAsync(
            () => SqliteFile.Rows(_dbPath, "SELECT Today_Count, Total_Approaches, Average_Rating FROM server") is [["2", "1", "4"]],
            "the server row of two joins, one approach and the rating 4");
        Assert.Equal([["ann", Sessions()[0][1]], ["ben", "0"]], Sessions());
        Assert.NotEqual("0", Sessions()[0][1]);
        await ExpectStatsAsync(node, new StatsSnapshot(Today, 2, 2, 1, 0, 4, 1));
        await ben.DisposeAsync();
    }

    [Fact]
    public async Task A_node_the_cluster_downed_closes_its_clients_at_once_though_their_leaves_cannot_be_counted()
    {
        await using var node = await StartNodeAsync(journalPatience: "60s");
        var ann = await ChatClient.JoinAsync(node.ServerPorts[0], "ann");
        await using var holder = new SqliteConnection($"Data Source={_dbPath};Pooling=False");
        holder.Open();
        using var locking = holder.BeginTransaction(deferred: false);

        var shutdown = Akka.Actor.CoordinatedShutdown.Get(node.System).Run(Akka.Actor.CoordinatedShutdown.ClusterDowningReason.Instance);

        // Its clients' names are free elsewhere already: they hear the close now, not after the journal's patience.
        Assert.Equal(string.Empty, await ann.ReadToEndAsync(TimeSpan.FromSeconds(3)));
        locking.Rollback();
        await shutdown;
    }

    [Fact]
    public async Task A_journal_that_cannot_be_written_for_longer_than_its_patience_counts_nothing_it_refused()
    {
        await using var node = await StartNodeAsync(journalPatience: "2s");
        var statsLines = LogLines.Collect(node.System, "stats date=");
        var failedRecoveries = LogLines.Collect(node.System, "failure when replaying events");
        await using (var ann = await ChatClient.JoinAsync(node.ServerPorts[0], "ann"))
        {
            await ann.SendAsync("stop 5\n");
            await ann.ReadToEndAsync();
        }

        // The journal can neither be written nor read: the stats actor's writes fail, and so do its recoveries.
        SqliteFile.Execute(_dbPath, "ALTER TABLE journal RENAME TO journal_away");
        await using var ben = await ChatClient.ConnectAsync(node.ServerPorts[0]);
        Assert.Equal("Server-1", await ben.ReadLineAsync());
        await ben.SendAsync("ben joined the server\n");
        Assert.Equal("ERROR join failed, try again", await ben.ReadLineAsync(Patient));
        await Eventually.HoldsAsync(() => !failedRecoveries.IsEmpty, "a stats actor that starts again and cannot recover", Patient);

        SqliteFile.Execute(_dbPath, "ALTER TABLE journal_away RENAME TO journal");
        await Eventually.HoldsAsync(
            async () =>
            {
                await ben.SendAsync("ben joined the server\n");
                return (await ben.ReadLineAsync(Patient)) == "ben joined the server";
            },
            "ben's join once the journal is back",
            Patient);

        await ExpectStatsAsync(node, new StatsSnapshot(Today, 2, 2, 0, 0, 5, 1));
        await Eventually.HoldsAsync(() => Sessions().Count == 2, "ben's row");
        Assert.Equal(["ann", "ben"], Sessions().Select(row => row[0]));

        // No incarnation of the stats actor logged counters it had not recovered: today never went back.
        var todays = statsLines.Select(line => int.Parse(Regex.Match(line, @"today=(\d+)").Groups[1].Value)).ToList();
        Assert.NotEmpty(todays);
        Assert.Equal(todays.Order(), todays);
    }
}
