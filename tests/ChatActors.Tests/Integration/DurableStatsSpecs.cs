using System.Text.RegularExpressions;
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

    /// <summary>
    /// What the clients of a burst saw before the kill (a lower bound of what must be counted),
    /// and everything they did, before or after it (an upper bound of what may be counted).
    /// </summary>
    private sealed class Witness
    {
        private readonly object _lock = new();

        public bool Killed { get; private set; }

        public int ApproachesMade { get; private set; }

        public int AnswersSeen { get; private set; }

        public int WaitsSeen { get; private set; }

        public HashSet<string> JoinsSent { get; } = [];

        public HashSet<string> JoinsSeen { get; } = [];

        public HashSet<string> RatingsSent { get; } = [];

        /// <summary>Rated leaves whose close the client saw before the kill (after it, a close proves nothing).</summary>
        public HashSet<string> RatedClosesSeen { get; } = [];

        public void Did(Action<Witness> what)
        {
            lock (_lock)
            {
                what(this);
            }
        }

        public void Saw(Action<Witness> what)
        {
            lock (_lock)
            {
                if (!Killed)
                {
                    what(this);
                }
            }
        }

        public void Kill(NodeProcess node)
        {
            lock (_lock)
            {
                Killed = true;
            }

            node.Kill();
        }

        public int Completed
        {
            get
            {
                lock (_lock)
                {
                    return RatedClosesSeen.Count;
                }
            }
        }

        public void Approached() => Did(w => w.ApproachesMade++);

        public void Answered(bool wait) => Saw(w =>
        {
            w.AnswersSeen++;
            w.WaitsSeen += wait ? 1 : 0;
        });
    }

    /// <summary>One client after another: ask the balancer, join, say something, leave with a rating.</summary>
    private static async Task RunClientsAsync(NodeProcess node, int worker, Witness witness)
    {
        for (var i = 0; !witness.Killed; i++)
        {
            try
            {
                witness.Approached();
                var port = await ChatClient.AskBalancerAsync(node.BalancerPort);
                witness.Answered(wait: port is null);
                if (port is null)
                {
                    continue;
                }

                var name = $"w{worker}n{i}";
                await using var client = await ChatClient.ConnectAsync(port.Value);
                await client.ReadLineAsync();
                witness.Did(w => w.JoinsSent.Add(name));
                await client.SendAsync($"{name} joined the server\n");
                await client.ReadUntilAsync($"{name} joined the server");
                witness.Saw(w => w.JoinsSeen.Add(name));

                witness.Did(w => w.RatingsSent.Add(name));
                await client.SendAsync($"{name} : bye\nstop {1 + (i % 5)}\n");
                await client.ReadToEndAsync();
                witness.Saw(w => w.RatedClosesSeen.Add(name));
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or OperationCanceledException or Xunit.Sdk.XunitException)
            {
                // Cut off by the kill.
            }
        }
    }

    [Theory]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task A_node_killed_in_a_burst_of_approaches_joins_and_rated_leaves_counts_everything_a_client_saw_once(string storage)
    {
        await using var store = await TestStorage.StartAsync(storage);
        var witness = new Witness();
        await using (var node = await NodeProcess.StartInFolderAsync(store.Db, store.Folder, "--servers", "2"))
        {
            var workers = Enumerable.Range(0, 12).Select(worker => Task.Run(() => RunClientsAsync(node, worker, witness))).ToList();
            await Eventually.HoldsAsync(() => witness.Completed >= 40, "forty clients through before the kill", TimeSpan.FromSeconds(60));

            // Eight more clients join. Then another program locks the journal, so that nothing
            // is journaled any more, and they leave with ratings while others ask the balancer:
            // had any of them seen its outcome (a close, an answer), that outcome would be lost.
            var leavers = new List<ChatClient>();
            for (var i = 0; i < 8; i++)
            {
                var name = $"leaver{i}";
                witness.Did(w => w.JoinsSent.Add(name));
                leavers.Add(await ChatClient.JoinAsync(node.ServerPorts[i % 2], name));
                witness.Saw(w => w.JoinsSeen.Add(name));
            }

            await using (await store.HoldJournalAsync())
            {
                var outcomes = leavers.Select(async (leaver, i) =>
                {
                    witness.Did(w => w.RatingsSent.Add($"leaver{i}"));
                    await leaver.SendAsync("stop 5\n");
                    await leaver.ReadToEndAsync(TimeSpan.FromSeconds(60));
                    witness.Saw(w => w.RatedClosesSeen.Add($"leaver{i}"));
                }).Concat(Enumerable.Range(0, 8).Select(async _ =>
                {
                    witness.Approached();
                    witness.Answered(wait: await ChatClient.AskBalancerAsync(node.BalancerPort) is null);
                })).ToList();
                await Eventually.HoldsAsync(
                    () => Enumerable.Range(0, 8).All(i => node.Output.Any(line => line.Contains($"leaver{i} left", StringComparison.Ordinal))),
                    "the eight leaves under the lock reached their servers");
                witness.Kill(node);
                await Task.WhenAll(outcomes.Select(outcome => outcome.ContinueWith(_ => { })));
            }

            await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(60));
        }

        await AssertEveryCountAClientSawOnceAsync(store, witness);
    }

    /// <summary>After a restart, the storage holds every count a client saw once, and none that no client could have caused.</summary>
    private static async Task AssertEveryCountAClientSawOnceAsync(TestStorage store, Witness witness)
    {
        await using var restarted = await NodeProcess.StartInFolderAsync(store.Db, store.Folder, "--servers", "2");
        Assert.Equal(0, await restarted.InterruptAsync());
        var counts = Regex.Match(restarted.LastStatsLine()!, @"today=(\d+) month=\d+ approaches=(\d+) lost=(\d+)");
        var (today, approaches, lost) = (int.Parse(counts.Groups[1].Value), int.Parse(counts.Groups[2].Value), int.Parse(counts.Groups[3].Value));

        // Every balancer answer any client saw is counted; no approach counted that was not made.
        Assert.InRange(approaches, witness.AnswersSeen, witness.ApproachesMade);
        Assert.InRange(lost, witness.WaitsSeen, witness.ApproachesMade - witness.AnswersSeen + witness.WaitsSeen);

        // Every join a client saw has its one row; no row for a join never sent, none twice.
        var sessions = await store.RowsAsync("""SELECT "User", "Out_Time" FROM session""");
        var users = sessions.Select(row => row[0]).ToList();
        Assert.Equal(users.Distinct(), users);
        Assert.Subset(witness.JoinsSent, users.ToHashSet());
        Assert.Superset(witness.JoinsSeen, users.ToHashSet());
        Assert.Equal(users.Count, today);

        // Every rated leave whose close a client saw is in the row of its own join.
        var rated = sessions.Where(row => row[1] != "0").Select(row => row[0]).ToHashSet();
        Assert.Subset(witness.RatingsSent, rated);
        Assert.Superset(witness.RatedClosesSeen, rated);

        Assert.Equal(
            [[today.ToString(CultureInfo.InvariantCulture), approaches.ToString(CultureInfo.InvariantCulture), lost.ToString(CultureInfo.InvariantCulture)]],
            await store.RowsAsync("""SELECT "Today_Count", "Total_Approaches", "Lost_Count" FROM server"""));
    }
}
