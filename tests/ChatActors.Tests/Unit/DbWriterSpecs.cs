using Akka.Actor;
using Akka.TestKit;
using ChatActors.Stats;
using ChatActors.Stats.Storage;
using ChatActors.Tests.Support;
using Microsoft.Data.Sqlite;

namespace ChatActors.Tests.Unit;

/// <summary>The DbWriter against a real SQLite file in a temporary folder.</summary>
public class DbWriterSpecs : Akka.TestKit.Xunit2.TestKit
{
    private static readonly DbWriterSettings FastSettings =
        new(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(200));

    private static readonly DateTime JoinedAt = new(2026, 11, 24, 15, 4, 5);
    private readonly string _path = TestNode.NewDatabasePath();
    private readonly StorageFile _db;

    public DbWriterSpecs()
        : base("akka.loglevel = INFO")
    {
        _db = new StorageFile(_path, TimeSpan.FromSeconds(1));
        StorageDatabase.Prepare(_db);
    }

    private IActorRef StartWriter(IReadOnlyList<StatsEventRecorded>? journal = null, DbWriterSettings? settings = null)
    {
        journal ??= [];
        return Sys.ActorOf(DbWriter.Props(
            new SqliteChatStore(_db),
            after => Task.FromResult<IReadOnlyList<StatsEventRecorded>>(journal.Where(e => e.SequenceNr > after).ToList()),
            settings ?? FastSettings));
    }

    private void Flush(IActorRef writer, TimeSpan? within = null)
    {
        writer.Tell(new FlushStorage(TestActor));
        ExpectMsg<StorageFlushed>(within ?? TimeSpan.FromSeconds(10));
    }

    private List<string[]> Sessions() => SqliteFile.Rows(_path, "SELECT Date, User, In_Time, Out_Time FROM session ORDER BY rowid");

    [Fact]
    public void Session_and_server_rows_are_written_as_the_original_did()
    {
        var writer = StartWriter();
        writer.Tell(new StatsEventRecorded(1, new ClientJoined("ann", JoinedAt)));
        writer.Tell(new StatsEventRecorded(2, new ClientJoined("ben", new DateTime(2026, 11, 24, 9, 8, 7))));
        writer.Tell(new StatsEventRecorded(3, new ClientLeft("ann", JoinedAt, 1, new DateTime(2026, 11, 24, 15, 30, 0), 4.5)));
        writer.Tell(new StatsEventRecorded(4, new ClientLeft("ben", new DateTime(2026, 11, 24, 9, 8, 7), 2, new DateTime(2026, 11, 24, 16, 0, 0), null)));
        writer.Tell(new StatsEventRecorded(5, new ClientApproached(JoinedAt)));
        writer.Tell(new ServerTotalsChanged(new ServerRow("24 Nov 26", 13.0 / 3, 2, 2, 3, 1)));
        Flush(writer);

        Assert.Equal(
            [["24 Nov 26", "ann", "03:04:05 PM", "03:30:00 PM"], ["24 Nov 26", "ben", "09:08:07 AM", "0"]],
            Sessions());
        Assert.Equal(
            [["24 Nov 26", "Master", "4.33", "2", "2", "3", "1"]],
            SqliteFile.Rows(_path, "SELECT * FROM server"));
    }

    [Fact]
    public void The_server_row_of_a_date_is_updated_in_place_and_a_new_date_gets_its_own()
    {
        var writer = StartWriter();
        writer.Tell(new ServerTotalsChanged(new ServerRow("24 Nov 26", 0, 1, 1, 1, 0)));
        Flush(writer);
        writer.Tell(new ServerTotalsChanged(new ServerRow("24 Nov 26", 0, 2, 2, 2, 0)));
        Flush(writer);
        writer.Tell(new ServerTotalsChanged(new ServerRow("25 Nov 26", 0, 0, 2, 2, 0)));
        Flush(writer);

        Assert.Equal(
            [["24 Nov 26", "2"], ["25 Nov 26", "0"]],
            SqliteFile.Rows(_path, "SELECT Date, Today_Count FROM server ORDER BY rowid"));
    }

    [Fact]
    public void A_name_that_looks_like_sql_is_stored_verbatim()
    {
        const string name = "x');DROP TABLE session;--";
        var writer = StartWriter();
        writer.Tell(new StatsEventRecorded(1, new ClientJoined(name, JoinedAt)));
        writer.Tell(new StatsEventRecorded(2, new ClientLeft(name, JoinedAt, 1, JoinedAt.AddMinutes(1), 5)));
        Flush(writer);

        Assert.Equal([["24 Nov 26", name, "03:04:05 PM", "03:05:05 PM"]], Sessions());
    }

    [Fact]
    public void A_rated_leave_updates_the_row_of_its_own_join_even_in_the_same_second()
    {
        var writer = StartWriter();
        writer.Tell(new StatsEventRecorded(1, new ClientJoined("ann", JoinedAt)));
        writer.Tell(new StatsEventRecorded(2, new ClientLeft("ann", JoinedAt, 1, JoinedAt, null)));
        writer.Tell(new StatsEventRecorded(3, new ClientJoined("ann", JoinedAt)));
        writer.Tell(new StatsEventRecorded(4, new ClientLeft("ann", JoinedAt, 3, JoinedAt.AddMinutes(5), 4)));
        Flush(writer);

        Assert.Equal(
            [["24 Nov 26", "ann", "03:04:05 PM", "0"], ["24 Nov 26", "ann", "03:04:05 PM", "03:09:05 PM"]],
            Sessions());
    }

    [Fact]
    public void A_leave_journaled_before_joins_were_numbered_finds_its_row_by_name_and_time()
    {
        var writer = StartWriter();
        writer.Tell(new StatsEventRecorded(1, new ClientJoined("ann", JoinedAt)));
        writer.Tell(new StatsEventRecorded(2, new ClientLeft("ann", JoinedAt, 0, JoinedAt.AddMinutes(5), 4)));
        Flush(writer);

        Assert.Equal([["24 Nov 26", "ann", "03:04:05 PM", "03:09:05 PM"]], Sessions());
    }

    /// <summary>Five joins, each of which must end up as exactly one row, in journal order.</summary>
    private static readonly IReadOnlyList<StatsEventRecorded> FiveJoins =
        Enumerable.Range(1, 5).Select(i => new StatsEventRecorded(i, new ClientJoined($"user{i}", JoinedAt))).ToList();

    private void ExpectEveryJoinOnce(int count) =>
        Assert.Equal(
            FiveJoins.Take(count).Select(recorded => ((ClientJoined)recorded.Event).User),
            Sessions().Select(row => row[1]));

    [Fact]
    public async Task A_database_locked_by_another_connection_is_retried_until_released_with_one_warning()
    {
        var writer = StartWriter();
        Flush(writer);
        await using var holder = new SqliteConnection(new StorageFile(_path, TimeSpan.FromSeconds(1)).ConnectionString);
        holder.Open();
        var locking = holder.BeginTransaction(deferred: false);

        // Each attempt waits out the 1 s busy timeout; three of them fail before the lock goes.
        await EventFilter.Warning(contains: "Cannot write").ExpectOneAsync(TimeSpan.FromSeconds(10), async () =>
        {
            writer.Tell(FiveJoins[0]);
            writer.Tell(new FlushStorage(TestActor));
            await ExpectNoMsgAsync(TimeSpan.FromSeconds(1.5));
            writer.Tell(FiveJoins[1]);
            writer.Tell(FiveJoins[2]);
            await ExpectNoMsgAsync(TimeSpan.FromSeconds(2));
        });
        Assert.Empty(Sessions());

        await EventFilter.Info(contains: "written again").ExpectOneAsync(TimeSpan.FromSeconds(10), () =>
        {
            locking.Commit();
            return Task.CompletedTask;
        });
        await ExpectMsgAsync<StorageFlushed>(TimeSpan.FromSeconds(10));
        ExpectEveryJoinOnce(3);
        Assert.Equal([["3"]], SqliteFile.Rows(_path, "SELECT Sequence_Nr FROM chat_projection"));
    }

    [Fact]
    public void A_database_that_refuses_writes_skips_nothing_also_across_a_restart()
    {
        var writer = StartWriter();
        Flush(writer);
        // What a full disk or a read-only file does to the writer: every write fails.
        SqliteFile.Execute(_path, "CREATE TRIGGER refuse_writes BEFORE INSERT ON session BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END");
        EventFilter.Warning(contains: "3 events behind").ExpectOne(() =>
        {
            writer.Tell(FiveJoins[0]);
            writer.Tell(FiveJoins[1]);
            writer.Tell(FiveJoins[2]);
        });

        // Its singleton moves: the writer stops without its rows and without moving its offset.
        Watch(writer);
        EventFilter.Warning(contains: "catches up from the journal").ExpectOne(() => writer.Tell(FlushAndStop.Instance));
        ExpectTerminated(writer);
        Assert.Empty(Sessions());

        var next = StartWriter(FiveJoins.Take(4).ToList());
        next.Tell(FiveJoins[4]);
        next.Tell(new FlushStorage(TestActor));
        ExpectNoMsg(TimeSpan.FromMilliseconds(500));
        Assert.Empty(Sessions());

        SqliteFile.Execute(_path, "DROP TRIGGER refuse_writes");
        ExpectMsg<StorageFlushed>(TimeSpan.FromSeconds(10));
        ExpectEveryJoinOnce(5);
    }

    [Fact]
    public void The_journal_may_forget_events_only_once_storage_db_holds_them()
    {
        var writer = StartWriter(settings: FastSettings with { FlushInterval = TimeSpan.FromMinutes(1) });
        Flush(writer);
        writer.Tell(FiveJoins[0]);
        writer.Tell(FiveJoins[1]);
        writer.Tell(new AwaitProjectedThrough(2));
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        writer.Tell(new FlushStorage(TestActor));
        Assert.Equal(new ProjectedThrough(2), ExpectMsg<ProjectedThrough>());
        ExpectMsg<StorageFlushed>();
        writer.Tell(new AwaitProjectedThrough(1));
        Assert.Equal(new ProjectedThrough(1), ExpectMsg<ProjectedThrough>());
    }

    [Fact]
    public void A_restarted_writer_catches_up_from_the_journal_without_writing_anything_twice()
    {
        IReadOnlyList<StatsEventRecorded> journal =
        [
            new(1, new ClientJoined("ann", JoinedAt)),
            new(2, new ClientJoined("ben", JoinedAt)),
            new(3, new ClientJoined("cat", JoinedAt)),
            new(4, new ClientLeft("ann", JoinedAt, 1, JoinedAt.AddHours(1), 3)),
        ];
        var first = StartWriter();
        first.Tell(journal[0]);
        first.Tell(journal[1]);
        Flush(first);
        Watch(first);
        Sys.Stop(first);
        ExpectTerminated(first);

        // Events 3 and 4 were journaled but never reached the old writer (a crash);
        // event 4 also arrives live while the new writer catches up.
        var second = StartWriter(journal);
        second.Tell(journal[3]);
        second.Tell(new StatsEventRecorded(5, new ClientJoined("dan", JoinedAt)));
        Flush(second);

        Assert.Equal(
            [["ann", "04:04:05 PM"], ["ben", "0"], ["cat", "0"], ["dan", "0"]],
            Sessions().Select(row => new[] { row[1], row[3] }).ToList());
        Assert.Equal([["5"]], SqliteFile.Rows(_path, "SELECT Sequence_Nr FROM chat_projection"));
    }

    [Fact]
    public void A_writer_told_to_stop_when_its_singleton_moves_writes_what_is_pending_first()
    {
        // A long flush interval: without the stop, nothing would be written yet.
        var writer = StartWriter(settings: FastSettings with { FlushInterval = TimeSpan.FromMinutes(1) });
        Flush(writer);
        writer.Tell(new StatsEventRecorded(1, new ClientJoined("ann", JoinedAt)));
        writer.Tell(new ServerTotalsChanged(new ServerRow("24 Nov 26", 0, 1, 1, 0, 0)));
        Watch(writer);

        writer.Tell(FlushAndStop.Instance);

        ExpectTerminated(writer, TimeSpan.FromSeconds(10));
        Assert.Equal([["24 Nov 26", "ann", "03:04:05 PM", "0"]], Sessions());
        Assert.Equal([["1"]], SqliteFile.Rows(_path, "SELECT Today_Count FROM server"));
    }
}
