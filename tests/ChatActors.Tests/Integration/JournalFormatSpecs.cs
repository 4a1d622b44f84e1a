using ChatActors.Hosting;
using ChatActors.Stats;
using ChatActors.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace ChatActors.Tests.Integration;

/// <summary>
/// Storage.db files written by earlier releases, which every later release must carry on
/// from, whatever C# types are renamed or moved. Fixtures/journal-v1.db was written by a node of the first cluster release (3 approaches,
/// ann and ben join, a turned-away client, ann rates 4, cat joins, ben rates 5, cat leaves
/// unrated; a snapshot after event 10). Fixtures/journal-v2.db was written by the release
/// whose leaves name their join (3 approaches, ann and ben join, ann rates 4, ben leaves
/// unrated, cat joins and rates 5; a snapshot after event 5 and the journal trimmed behind it).
/// </summary>
public class JournalFormatSpecs
{
    [Fact]
    public async Task A_storage_db_written_by_an_earlier_release_recovers_every_count()
    {
        var dbPath = TestNode.NewDatabasePath();
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Fixtures", "journal-v1.db"), dbPath);
        Assert.Equal(
            ["stats-event.approached.v1", "stats-event.joined.v1", "stats-event.left.v1", "stats-event.lost.v1", "stats-state.v1"],
            SqliteFile.Rows(dbPath, "SELECT manifest FROM journal UNION SELECT manifest FROM snapshot ORDER BY 1").Select(row => row[0]));

        // The fixture's own day, so that its counts are still today's.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 22, 0, 0, TimeSpan.Zero));
        await using var node = await Hosting.ChatNode.StartAsync(TestNode.Config(servers: 1, dbPath: dbPath), clock);

        await Eventually.HoldsAsync(
            async () => await TestCluster.StatsAsync(node) == new StatsSnapshot("25 Nov 26", 3, 3, 4, 2, 4.5, 0),
            "the fixture's counts");
        Assert.Equal(
            [["ann", "08:54:38 PM"], ["ben", "08:54:39 PM"], ["cat", "0"]],
            SqliteFile.Rows(dbPath, "SELECT User, Out_Time FROM session ORDER BY User"));
    }

    [Fact]
    public async Task A_storage_db_whose_leaves_name_their_join_recovers_every_count_and_rates_the_right_rows()
    {
        var dbPath = TestNode.NewDatabasePath();
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Fixtures", "journal-v2.db"), dbPath);
        Assert.Equal(
            ["stats-event.approached.v1", "stats-event.joined.v1", "stats-event.left.v2", "stats-state.v1"],
            SqliteFile.Rows(dbPath, "SELECT manifest FROM journal UNION SELECT manifest FROM snapshot ORDER BY 1").Select(row => row[0]));

        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 23, 0, 0, TimeSpan.Zero));
        await using var node = await Hosting.ChatNode.StartAsync(TestNode.Config(servers: 1, dbPath: dbPath), clock);

        await Eventually.HoldsAsync(
            async () => await TestCluster.StatsAsync(node) == new StatsSnapshot("25 Nov 26", 3, 3, 3, 0, 4.5, 0),
            "the fixture's counts");
        Assert.Equal(
            [["ann", "10:48:39 PM"], ["ben", "0"], ["cat", "10:48:39 PM"]],
            SqliteFile.Rows(dbPath, "SELECT User, Out_Time FROM session ORDER BY User"));
    }
}
