using ChatActors.Hosting;
using ChatActors.Stats;
using ChatActors.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace ChatActors.Tests.Integration;

/// <summary>The stats journal, in storage.db or a file of its own: rows keep the identity of their join, the journal stays small, and reading it holds up no count.</summary>
public class StatsJournalSpecs
{
    private readonly string _dbPath = TestNode.NewDatabasePath();

    [Theory]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task A_user_who_leaves_unrated_and_rejoins_in_the_same_second_gets_the_rating_on_the_second_row_only(string storage)
    {
        await using var store = await TestStorage.StartAsync(storage);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 15, 4, 5, TimeSpan.Zero));
        await using var node = await ChatNode.StartAsync(TestNode.Config(servers: 1, dbPath: store.Db, extraHocon: "chat-actors.db-flush-interval = 50ms"), clock);
        await using (var first = await ChatClient.JoinAsync(node.ServerPorts[0], "ann"))
        {
            await first.SendAsync("stop\n");
            await first.ReadToEndAsync();
        }

        await using (var second = await ChatClient.JoinAsync(node.ServerPorts[0], "ann"))
        {
            await second.SendAsync("stop 4\n");
            await second.ReadToEndAsync();
        }

        var joinedAt = Stats.StorageFormat.Time(clock.GetLocalNow().DateTime);
        await Eventually.HoldsAsync(
            async () => (await store.RowsAsync("""SELECT "Out_Time" FROM session WHERE "Out_Time" <> '0'""")).Count == 1,
            "the rated leave in the session table");
        // Out_Time "0" sorts first: the unrated leave was the first join's.
        Assert.Equal(
            [["ann", joinedAt, "0"], ["ann", joinedAt, joinedAt]],
            await store.RowsAsync("""SELECT "User", "In_Time", "Out_Time" FROM session ORDER BY "Out_Time" """));
    }

    [Theory]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task The_journal_forgets_what_a_snapshot_and_storage_db_both_hold_and_the_counts_stay(string storage)
    {
        await using var store = await TestStorage.StartAsync(storage);
        const string snapshotEvery10 = "chat-actors { stats-snapshot-interval = 10, db-flush-interval = 50ms }";
        await using (var node = await TestNode.StartAsync(servers: 1, dbPath: store.Db, extraHocon: snapshotEvery10))
        {
            for (var i = 0; i < 35; i++)
            {
                Assert.NotNull(await ChatClient.AskBalancerAsync(node.BalancerPort));
            }

            // Snapshots at 10, 20 and 30; the journal keeps event 30 (as the highest it has forgotten) and 31 to 35.
            var journal = "nothing read yet";
            await Eventually.HoldsAsync(
                async () =>
                {
                    var rows = await store.RowsAsync("""SELECT COUNT(*), MIN(sequence_number), MAX(sequence_number) FROM journal""");
                    journal = $"{rows[0][0]} rows, events {rows[0][1]} to {rows[0][2]}";
                    return rows is [["6", "30", "35"]];
                },
                "the journal trimmed behind the snapshot of event 30",
                TimeSpan.FromSeconds(30),
                lastSeen: () => journal);
        }

        await using var restarted = await TestNode.StartAsync(servers: 1, dbPath: store.Db, extraHocon: snapshotEvery10);
        Assert.Equal(35, (await TestCluster.StatsAsync(restarted)).TotalApproaches);
        Assert.NotNull(await ChatClient.AskBalancerAsync(restarted.BalancerPort));
        await Eventually.HoldsAsync(
            async () => await store.RowsAsync("""SELECT "Total_Approaches" FROM server""") is [["36"]],
            "the 36th approach in the server table");
    }

    [Fact]
    public async Task A_journal_in_a_file_of_its_own_can_be_read_while_clients_join()
    {
        var journalPath = TestNode.NewDatabasePath();
        await using var node = await TestNode.StartAsync(servers: 1, dbPath: _dbPath, extraHocon: $"chat-actors.journal-db = {ChatConfig.Quote(journalPath)}");
        Assert.NotNull(await ChatClient.AskBalancerAsync(node.BalancerPort));

        // A program in the middle of reading the journal, as a DB browser left open would be.
        await using var reader = new SqliteConnection($"Data Source={journalPath};Pooling=False");
        reader.Open();
        using var reading = reader.BeginTransaction(deferred: true);
        using (var count = reader.CreateCommand())
        {
            count.CommandText = "SELECT COUNT(*) FROM journal";
            Assert.Equal(1L, count.ExecuteScalar());
        }

        await using var ann = await ChatClient.JoinAsync(node.ServerPorts[0], "ann");
        Assert.Equal([["wal"]], SqliteFile.Rows(journalPath, "PRAGMA journal_mode"));
    }

    [Fact]
    public async Task A_node_starts_when_another_program_holds_the_journal_file_longer_than_the_plugin_waits_for_its_tables()
    {
        // The journal's file already in WAL mode and locked for writing, as by another node that
        // creates the journal's tables on the same file at the same moment.
        var journalPath = TestNode.NewDatabasePath();
        await using var other = new SqliteConnection($"Data Source={journalPath};Pooling=False");
        other.Open();
        using (var wal = other.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode=WAL";
            wal.ExecuteNonQuery();
        }

        var writing = other.BeginTransaction(deferred: false);
        var starting = TestNode.StartAsync(
            servers: 1,
            dbPath: _dbPath,
            extraHocon: $"chat-actors {{ journal-db = {ChatConfig.Quote(journalPath)}, db-busy-timeout = 30s }}");

        // Longer than the 5 s that Akka.Persistence.Sql's read journal waits for the write journal's tables.
        await Task.WhenAny(starting, Task.Delay(TimeSpan.FromSeconds(7)));
        writing.Rollback();
        writing.Dispose();

        await using var node = await starting;
        await using var ann = await ChatClient.JoinAsync(node.ServerPorts[0], "ann");
    }
}
