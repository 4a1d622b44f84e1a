using Akka.Actor;
using Akka.Event;
using ChatActors.Messages;
using ChatActors.Storage;

namespace ChatActors.Actors;

/// <summary>
/// Owns every write to storage.db. The <c>session</c> table is a projection of the stats
/// journal: on start the writer reads its offset and catches up from the journal, then
/// follows the events the stats actor sends. The <c>server</c> row follows the newest
/// totals. Writes are batched (one transaction at most every flush interval), retried
/// with backoff, and what still fails is logged as an error with its rows. A cluster
/// singleton beside the stats actor: when it moves, it writes what is pending first.
/// </summary>
public sealed class DbWriter : ReceiveActor, IWithTimers, IWithStash
{
    private const string WriteTimerKey = "write";
    private const string CatchUpTimerKey = "catch-up";

    private readonly string _dbPath;
    private readonly JournalReader _readJournal;
    private readonly DbWriterSettings _settings;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<SessionChange> _pendingSessions = [];
    private readonly List<IActorRef> _flushWaiters = [];
    private ServerRow? _pendingServer;
    private long _highestSequenceNr;
    private Batch? _writing;
    private int _failedAttempts;
    private bool _stopWhenFlushed;

    public DbWriter(string dbPath, JournalReader readJournal, DbWriterSettings settings)
    {
        _dbPath = dbPath;
        _readJournal = readJournal;
        _settings = settings;
        Starting();
    }

    /// <summary>Reads the persisted stats events after a sequence number, oldest first.</summary>
    public delegate Task<IReadOnlyList<StatsEventRecorded>> JournalReader(long afterSequenceNr);

    public ITimerScheduler Timers { get; set; } = null!;

    public IStash Stash { get; set; } = null!;

    public static Props Props(string dbPath, JournalReader readJournal, DbWriterSettings settings) =>
        Akka.Actor.Props.Create(() => new DbWriter(dbPath, readJournal, settings));

    protected override void PreStart() => CatchUp();

    private void CatchUp()
    {
        var dbPath = _dbPath;
        var readJournal = _readJournal;
        LoadAsync().PipeTo(Self, failure: cause => new CatchUpFailed(cause));

        async Task<object> LoadAsync()
        {
            var offset = await Task.Run(() => StorageDatabase.ReadOffset(dbPath));
            return new CaughtUp(offset, await readJournal(offset));
        }
    }

    private void Starting()
    {
        Receive<CaughtUp>(caughtUp =>
        {
            _highestSequenceNr = caughtUp.Offset;
            foreach (var recorded in caughtUp.Events)
            {
                Enqueue(recorded);
            }

            _log.Info("storage.db projection resumes after event {0}; {1} events to catch up", caughtUp.Offset, caughtUp.Events.Count);
            Become(Ready);
            Stash.UnstashAll();
            ScheduleWrite();
        });
        Receive<CatchUpFailed>(failed =>
        {
            _log.Error(failed.Cause, "Cannot read {0} or the journal to catch up; trying again", _dbPath);
            Timers.StartSingleTimer(CatchUpTimerKey, RetryCatchUp.Instance, _settings.MaxRetryDelay);
        });
        Receive<RetryCatchUp>(_ => CatchUp());
        // Nothing is pending before the catch-up: whatever the journal holds, the next writer catches up on.
        Receive<FlushAndStop>(_ => Context.Stop(Self));
        ReceiveAny(_ => Stash.Stash());
    }

    private void Ready()
    {
        Receive<StatsEventRecorded>(recorded =>
        {
            Enqueue(recorded);
            ScheduleWrite();
        });
        Receive<ServerTotalsChanged>(changed =>
        {
            _pendingServer = changed.Row;
            ScheduleWrite();
        });
        Receive<FlushStorage>(flush =>
        {
            _flushWaiters.Add(flush.ReplyTo);
            if (_writing is null)
            {
                StartWrite();
            }
        });
        Receive<FlushAndStop>(_ =>
        {
            _stopWhenFlushed = true;
            if (_writing is null)
            {
                StartWrite();
            }
        });
        Receive<WriteTick>(_ => StartWrite());
        Receive<WriteSucceeded>(_ =>
        {
            _writing = null;
            _failedAttempts = 0;
            AfterWrite();
        });
        Receive<WriteFailed>(failed =>
        {
            var batch = _writing!;
            if (++_failedAttempts < _settings.MaxAttempts)
            {
                var delay = RetryDelay(_failedAttempts);
                _log.Warning("Writing to {0} failed ({1}); attempt {2} of {3} in {4}", _dbPath, failed.Cause.Message, _failedAttempts + 1, _settings.MaxAttempts, delay);
                Timers.StartSingleTimer(WriteTimerKey, RetryWrite.Instance, delay);
                return;
            }

            foreach (var row in batch.Rows())
            {
                _log.Error(failed.Cause, "Gave up writing to {0} after {1} attempts: {2}", _dbPath, _failedAttempts, row);
            }

            _writing = null;
            _failedAttempts = 0;
            AfterWrite();
        });
        Receive<RetryWrite>(_ => Write(_writing!));
    }

    private void Enqueue(StatsEventRecorded recorded)
    {
        // Catch-up and live events overlap while the writer starts; the sequence number tells what is new.
        if (recorded.SequenceNr > _highestSequenceNr)
        {
            _highestSequenceNr = recorded.SequenceNr;
            _pendingSessions.Add(SessionChanges.From(recorded.SequenceNr, recorded.Event));
        }
    }

    private bool HasPending => _pendingSessions.Count > 0 || _pendingServer is not null;

    private void ScheduleWrite()
    {
        if (_writing is null && HasPending && !Timers.IsTimerActive(WriteTimerKey))
        {
            Timers.StartSingleTimer(WriteTimerKey, WriteTick.Instance, _settings.FlushInterval);
        }
    }

    private void StartWrite()
    {
        Timers.Cancel(WriteTimerKey);
        if (!HasPending)
        {
            AfterWrite();
            return;
        }

        _writing = new Batch([.. _pendingSessions], _pendingServer);
        _pendingSessions.Clear();
        _pendingServer = null;
        Write(_writing);
    }

    private void Write(Batch batch)
    {
        var dbPath = _dbPath;
        Task.Run(() => StorageDatabase.Write(dbPath, batch.Sessions, batch.Server))
            .PipeTo(Self, success: () => WriteSucceeded.Instance, failure: cause => new WriteFailed(cause));
    }

    private void AfterWrite()
    {
        if ((_flushWaiters.Count > 0 || _stopWhenFlushed) && HasPending)
        {
            StartWrite();
            return;
        }

        if (!HasPending)
        {
            _flushWaiters.ForEach(waiter => waiter.Tell(StorageFlushed.Instance));
            _flushWaiters.Clear();
            if (_stopWhenFlushed)
            {
                Context.Stop(Self);
                return;
            }
        }

        ScheduleWrite();
    }

    private TimeSpan RetryDelay(int failedAttempts)
    {
        var delay = _settings.FirstRetryDelay * Math.Pow(2, failedAttempts - 1);
        return delay < _settings.MaxRetryDelay ? delay : _settings.MaxRetryDelay;
    }

    private sealed record Batch(IReadOnlyList<SessionChange> Sessions, ServerRow? Server)
    {
        public IEnumerable<object> Rows() => Sessions.Where(change => change is not NoSessionChange).Cast<object>().Concat(Server is null ? [] : [Server]);
    }

    private sealed record CaughtUp(long Offset, IReadOnlyList<StatsEventRecorded> Events);

    private sealed record CatchUpFailed(Exception Cause);

    private sealed record RetryCatchUp
    {
        public static readonly RetryCatchUp Instance = new();
    }

    private sealed record WriteTick
    {
        public static readonly WriteTick Instance = new();
    }

    private sealed record RetryWrite
    {
        public static readonly RetryWrite Instance = new();
    }

    private sealed record WriteSucceeded
    {
        public static readonly WriteSucceeded Instance = new();
    }

    private sealed record WriteFailed(Exception Cause);
}

/// <param name="FlushInterval">At most one write per interval while the chat runs.</param>
/// <param name="MaxAttempts">Attempts per batch before its rows are logged as errors and dropped.</param>
public sealed record DbWriterSettings(TimeSpan FlushInterval, int MaxAttempts, TimeSpan FirstRetryDelay, TimeSpan MaxRetryDelay)
{
    public static readonly DbWriterSettings Default = new(TimeSpan.FromMilliseconds(250), 10, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5));
}
