using Akka.Actor;
using Akka.Cluster;
using ChatActors.Hosting;
using ChatActors.Stats;
using ChatActors.Tests.Support;

namespace ChatActors.Tests.Integration;

/// <summary>Nodes on a real PostgreSQL of the spec's own (<c>-Db postgresql://...</c>): the journal and the original tables live there.</summary>
public sealed class PostgresStorageSpecs : IAsyncLifetime
{
    private PostgresServer _postgres = null!;

    public async Task InitializeAsync() => _postgres = await PostgresServer.StartAsync();

    public async Task DisposeAsync() => await _postgres.DisposeAsync();

    [Fact]
    public async Task A_node_on_PostgreSQL_counts_joins_and_rated_leaves_into_the_original_tables_and_keeps_them_across_a_restart()
    {
        await using (var node = await StartNodeAsync())
        {
            await using var bob = await ChatClient.JoinAsync(node.ServerPorts[0], "bob");
            await using (var ann = await ChatClient.JoinAsync(node.ServerPorts[0], "ann"))
            {
                await ann.SendAsync("stop 4\n");
                await ann.ReadToEndAsync();
            }

            await Eventually.HoldsAsync(
                async () => await _postgres.RowsAsync("""SELECT "Today_Count", "Average_Rating" FROM server WHERE "Name" = 'Master'""") is [["2", "4"]],
                "the server row with two joins and the rating");
        }

        var sessions = await _postgres.RowsAsync("""SELECT "User", "Out_Time" <> '0' FROM session ORDER BY "User" """);
        Assert.Equal([["ann", "True"], ["bob", "False"]], sessions);
        // Two joins, ann's leave, and bob's as the node stopped: journaled in PostgreSQL too.
        Assert.Equal([["4"]], await _postgres.RowsAsync("SELECT MAX(sequence_number) FROM journal WHERE persistence_id = 'chat-stats'"));

        await using var restarted = await StartNodeAsync();
        var stats = await TestCluster.StatsAsync(restarted);
        Assert.Equal((2, 4.0), (stats.TodayCount, stats.AverageRating));
    }

    [Fact]
    public async Task Every_node_on_PostgreSQL_holds_the_storage_role_so_the_stats_move_with_every_count_when_the_first_node_goes()
    {
        var first = await StartNodeAsync();
        await using var second = await StartNodeAsync($$"""
            akka.cluster.roles = []
            chat-actors { approach = process, first-server = auto, seed-nodes = "{{first.Address.Host}}:{{first.Address.Port}}" }
            """);
        Assert.Contains(ChatNodeRoles.Storage, Cluster.Get(second.System).SelfRoles);

        await using (var ann = await ChatClient.JoinAsync(first.ServerPorts[0], "ann"))
        {
            await ann.SendAsync("stop 5\n");
            await ann.ReadToEndAsync();
        }

        await first.StopAsync();
        // A join while the stats actor moves is refused (it cannot be counted): bob comes once it runs
        // on the second node, which the proxy there answers as soon as it does, with ann's count.
        Assert.Equal(1, (await second.Stats.Ask<StatsSnapshot>(GetStats.Instance, TimeSpan.FromSeconds(30))).TodayCount);
        await using var bob = await ChatClient.JoinAsync(second.ServerPorts[0], "bob");
        var stats = await TestCluster.StatsAsync(second);
        Assert.Equal((2, 5.0), (stats.TodayCount, stats.AverageRating));
    }

    [Fact]
    public async Task PostgreSQL_stopped_for_30_s_under_load_delays_the_counts_and_loses_none()
    {
        await using var node = await StartNodeAsync();
        await using var ann = await ChatClient.JoinAsync(node.ServerPorts[0], "ann");
        await _postgres.StopAsync();

        // A rated leave and joins while nothing can be journaled: each waits for its count.
        await ann.SendAsync("stop 3\n");
        var annClosed = ann.ReadToEndAsync(TimeSpan.FromSeconds(120));
        var joins = await Task.WhenAll(Enumerable.Range(0, 5).Select(async i =>
        {
            var client = await ChatClient.ConnectAsync(node.ServerPorts[0]);
            Assert.StartsWith("Server-", await client.ReadLineAsync());
            await client.SendAsync($"user{i} joined the server\n");
            return (Client: client, Answer: client.ReadLineAsync(TimeSpan.FromSeconds(120)));
        }));
        await Task.Delay(TimeSpan.FromSeconds(30));
        Assert.False(annClosed.IsCompleted || joins.Any(join => join.Answer.IsCompleted), "a count was answered while PostgreSQL was down");
        await _postgres.StartAgainAsync();

        Assert.Equal(string.Empty, await annClosed);
        foreach (var ((client, answer), i) in joins.Select((join, i) => (join, i)))
        {
            Assert.Equal($"user{i} joined the server", await answer);
            await client.DisposeAsync();
        }

        var stats = await TestCluster.StatsAsync(node);
        Assert.Equal((6, 3.0), (stats.TodayCount, stats.AverageRating));
        await Eventually.HoldsAsync(
            async () => await _postgres.RowsAsync("""SELECT "Today_Count", "Average_Rating" FROM server WHERE "Name" = 'Master'""") is [["6", "3"]],
            "the counts of the outage in the server table",
            TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_sqlite_storage_db_is_carried_over_once_and_its_counts_go_on_in_PostgreSQL()
    {
        var sqlite = TestNode.NewDatabasePath();
        var today = Stats.StorageFormat.Date(DateTime.Now);
        SqliteFile.Execute(sqlite, $"""
            CREATE TABLE server (Date TEXT, Name TEXT, Average_Rating REAL, Today_Count INTEGER, Monthly_Count INTEGER, Total_Approaches INTEGER, Lost_Count INTEGER);
            INSERT INTO server VALUES ('{today}', 'Master', 4.5, 2, 8, 20, 2);
            CREATE TABLE session (Date TEXT, User TEXT, In_Time TEXT, Out_Time TEXT);
            INSERT INTO session VALUES ('{today}', 'ann', '10:00:00', '10:05:00'), ('{today}', 'bob', '10:01:00', '0');
            """);

        var (exitCode, output, _) = await RunNodeProgramAsync("--db", _postgres.Url, "--import-db", sqlite);
        Assert.Equal(0, exitCode);
        Assert.Equal($"ChatActors: carried 1 server rows and 2 sessions over from {sqlite} to postgresql://chat@127.0.0.1:{_postgres.Port}/chat\n", output);
        var again = await RunNodeProgramAsync("--db", _postgres.Url, "--import-db", sqlite);
        Assert.Equal((2, $"ChatActors: postgresql://chat@127.0.0.1:{_postgres.Port}/chat holds counts already; a storage.db is carried over only into an empty one\n"), (again.ExitCode, again.Errors));

        await using var node = await StartNodeAsync();
        await using var cat = await ChatClient.JoinAsync(node.ServerPorts[0], "cat");
        var stats = await TestCluster.StatsAsync(node);
        Assert.Equal((3L, 9L, 20L, 4.5), (stats.TodayCount, stats.MonthlyCount, stats.TotalApproaches, stats.AverageRating));
        await Eventually.HoldsAsync(async () => (await _postgres.RowsAsync("SELECT * FROM session")).Count == 3, "cat's session row after the two carried over");
    }

    private static async Task<(int ExitCode, string Output, string Errors)> RunNodeProgramAsync(params string[] args)
    {
        var (output, errors) = (new StringWriter(), new StringWriter());
        var exitCode = await Node.NodeProgram.RunAsync(args, output, errors);
        return (exitCode, output.ToString(), errors.ToString());
    }

    private Task<ChatNode> StartNodeAsync(string extraHocon = "") =>
        TestNode.StartAsync(servers: 1, dbPath: _postgres.Url, extraHocon: "chat-actors.db-flush-interval = 50ms\n" + extraHocon);
}
