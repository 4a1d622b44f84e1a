using System.Globalization;
using ChatActors.Stats;
using ChatActors.Tests.Support;

namespace ChatActors.Tests.Integration;

/// <summary>
/// The node as a process on a real storage.db: its counters and rows survive a Ctrl+C
/// and a SIGKILL, exactly.
/// </summary>
public class DurableStatsSpecs
{
    private readonly string _dbPath = TestNode.NewDatabasePath();

    private static string Today => StorageFormat.Date(DateTime.Now);

    [Fact]
    public async Task Counters_and_rows_match_what_happened_across_a_ctrl_c_and_a_restart()
    {
        var overrides = Path.Combine(Path.GetDirectoryName(_dbPath)!, "node.conf");
        await File.WriteAllTextAsync(overrides, "chat-actors.stats-snapshot-interval = 3");
        string[] options = ["--servers", "1", "--capacity", "2", "--config", overrides];

        await using (var node = await NodeProcess.StartAsync(_dbPath, options))
        {
            var ann = await ChatClient.JoinThroughBalancerAsync(node.BalancerPort, "ann");
            var ben = await ChatClient.JoinThroughBalancerAsync(node.BalancerPort, "ben");
            Assert.Null(await ChatClient.AskBalancerAsync(node.BalancerPort)); // SNA wait: approach and lost
            await using (var direct = await ChatClient.ConnectAsync(node.ServerPorts[0]))
            {
                Assert.Equal("Server busy, try after 5 mins!\n", await direct.ReadToEndAsync()); // lost
            }

            await ann.SendAsync("ann : hello\nstop 4\n");
            await ann.ReadToEndAsync();
            await ben.SendAsync("stop\n");
            await ben.ReadToEndAsync();

            var cat = await ChatClient.JoinThroughBalancerAsync(node.BalancerPort, "cat");
            await cat.SendAsync("stop 9\n");
            Assert.Equal("ERROR rating must be a number from 1 to 5\n", await cat.ReadToEndAsync());
            var dan = await ChatClient.JoinThroughBalancerAsync(node.BalancerPort, "dan");
            await dan.DisposeAsync(); // leaves without stop
            var eve = await ChatClient.JoinAsync(node.ServerPorts[0], "eve");
            await eve.SendAsync("stop 5\n");
            await eve.ReadToEndAsync();
            await using var fay = await ChatClient.JoinAsync(node.ServerPorts[0], "fay"); // still online at Ctrl+C

            // The tables follow while the chat runs, not only at shutdown.
            await Eventually.HoldsAsync(
                () => SqliteFile.Rows(_dbPath, "SELECT Today_Count, Lost_Count FROM server") is [["6", "2"]]
                      && SqliteFile.Rows(_dbPath, "SELECT COUNT(*) FROM session") is [["6"]],
                "the rows of six joins and two lost clients while the node runs");

            Assert.Equal(0, await node.InterruptAsync());
            Assert.Equal($"date={Today} today=6 month=6 approaches=5 lost=2 rating=4.50 online=0", node.LastStatsLine());
        }

        Assert.Equal(
            [[Today, "Master", "4.5", "6", "6", "5", "2"]],
            SqliteFile.Rows(_dbPath, "SELECT * FROM server"));
        var sessions = SqliteFile.Rows(_dbPath, "SELECT Date, User, In_Time, Out_Time FROM session ORDER BY rowid");
        Assert.Equal(["ann", "ben", "cat", "dan", "eve", "fay"], sessions.Select(row => row[1]));
        Assert.All(sessions, row => Assert.Equal(Today, row[0]));
        Assert.All(sessions, row => Assert.Matches(@"^\d\d:\d\d:\d\d [AP]M$", row[2]));
        Assert.Equal(["rated", "0", "0", "0", "rated", "0"], sessions.Select(row => row[3] == "0" ? "0" : "rated"));

        await using (var restarted = await NodeProcess.StartAsync(_dbPath, options))
        {
            await using (var gus = await ChatClient.JoinAsync(restarted.ServerPorts[0], "gus"))
            {
                await gus.SendAsync("stop 3\n");
                await gus.ReadToEndAsync();
            }

            Assert.Equal(0, await restarted.InterruptAsync());
            Assert.Equal($"date={Today} today=7 month=7 approaches=5 lost=2 rating=4.00 online=0", restarted.LastStatsLine());
        }

        Assert.Equal([[Today, "Master", "4", "7", "7", "5", "2"]], SqliteFile.Rows(_dbPath, "SELECT * FROM server"));
    }

    [Fact]
    public async Task A_storage_db_of_the_python_version_carries_on_from_its_newest_row()
    {
        SqliteFile.Execute(_dbPath, $"""
            CREATE TABLE server (Date TEXT, Name TEXT, Average_Rating REAL, Today_Count INTEGER, Monthly_Count INTEGER, Total_Approaches INTEGER, Lost_Count INTEGER);
            CREATE TABLE session (Date TEXT, User TEXT, In_Time TEXT, Out_Time TEXT);
            INSERT INTO server VALUES ('01 Jan 20', 'Master', 1.0, 1, 1, 1, 1);
            INSERT INTO server VALUES ('{Today}', 'Master', 3.0, 4, 9, 20, 2);
            INSERT INTO session VALUES ('{Today}', 'old', '09:00:00 AM', '09:30:00 AM');
            """);

        await using (var node = await NodeProcess.StartAsync(_dbPath))
        {
            await using (var ann = await ChatClient.JoinThroughBalancerAsync(node.BalancerPort, "ann"))
            {
                await ann.SendAsync("stop 5\n");
                await ann.ReadToEndAsync();
            }

            Assert.Equal(0, await node.InterruptAsync());
            Assert.Equal($"date={Today} today=5 month=10 approaches=21 lost=2 rating=4.00 online=0", node.LastStatsLine());
        }

        Assert.Equal(
            [["01 Jan 20", "Master", "1", "1", "1", "1", "1"], [Today, "Master", "4", "5", "10", "21", "2"]],
            SqliteFile.Rows(_dbPath, "SELECT * FROM server ORDER BY rowid"));
        Assert.Equal(["old", "ann"], SqliteFile.Rows(_dbPath, "SELECT User FROM session ORDER BY rowid").Select(row => row[0]));
    }

    [Fact]
    public async Task A_node_killed_in_a_burst_of_joins_loses_no_join_and_counts_none_twice()
    {
        const int clients = 60;
        var completed = new List<string>();
        await using (var node = await NodeProcess.StartAsync(_dbPath, "--servers", "2"))
        {
            var enoughJoined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var joining = Enumerable.Range(0, clients).Select(async i =>
            {
                try
                {
                    var name = $"user{i}";
                    var client = await ChatClient.JoinAsync(node.ServerPorts[i % 2], name);
                    lock (completed)
                    {
                        completed.Add(name);
                        if (completed.Count == clients / 3)
                        {
                            enoughJoined.TrySetResult();
                        }
                    }

                    return client;
                }
                catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or OperationCanceledException)
                {
                    return null; // cut off by the kill
                }
            }).ToList();

            await enoughJoined.Task.WaitAsync(TimeSpan.FromSeconds(60));
            node.Kill();
            foreach (var client in await Task.WhenAll(joining))
            {
                if (client is not null)
                {
                    await client.DisposeAsync();
                }
            }
        }

        await using (var restarted = await NodeProcess.StartAsync(_dbPath, "--servers", "2"))
        {
            Assert.Equal(0, await restarted.InterruptAsync());
            var users = SqliteFile.Rows(_dbPath, "SELECT User FROM session").Select(row => row[0]).ToList();
            Assert.Equal(users.Distinct(), users);
            Assert.Subset(users.ToHashSet(), completed.ToHashSet());
            var todayCount = SqliteFile.Rows(_dbPath, "SELECT Today_Count FROM server")[0][0];
            Assert.Equal(users.Count.ToString(CultureInfo.InvariantCulture), todayCount);
            Assert.Contains($"today={users.Count} ", restarted.LastStatsLine());
        }
    }
}
