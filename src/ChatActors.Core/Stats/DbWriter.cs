using Akka.Actor;
using Akka.Event;
using ChatActors.Stats.Storage;

namespace ChatActors.Stats;

/// <summary>
/// Owns every write to storage.db. The <c>session</c> table is a projection of the stats
/// journal: on start the writer reads its offset and catches up from the journal, then
/// follows the events the stats actor sends. The <c>server</c> row follows the newest
/// totals. Writes are batched (one transaction at most every flush interval). A write that
/// fails (the file is locked, full or read-only) is retried with capped backoff for as long
/// as it takes, with one warning per outage: the offset never moves past a row that is not
/// written, so nothing is skipped and, after a restart, nothing is written twice. A cluster
/// singleton beside the stats actor: when it moves, it writes what is pending first.
/// </summary>
public sealed class DbWriter : ReceiveActor, IWithTimers, IWithStash
{
    private const string WriteTimerKey = "write";
    private const string CatchUpTimerKey = "catch-up";

    private readonly IChatStore _store;
    private readonly JournalReader _readJournal;
    private readonly DbWriterSettings _settings;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<SessionChange> _pendingSessions = [];
    private readonly List<IActorRef> _flushWaiters = [];
    private ServerRow? _pendingServer;
    private long _highestSequenceNr;
    private long _writtenThrough;
    private Batch? _writing;
    private int _failedAttempts;
    private DateTime _outageStartedUtc;
    private bool _stopWhenFlushed;
    private (long SequenceNr, IActorRef ReplyTo)? _projectionAwaited;

    public DbWriter(IChatStore store, JournalReader readJournal, DbWriterSettings settings)
    {
        _store = store;
        _readJournal = readJournal;
        _settings = settings;
        Starting();
    }

    /// <summary>Reads the persisted stats events after a sequence number, oldest first.</summary>
    public delegate Task<IReadOnlyList<StatsEventRecorded>> JournalReader(long afterSequenceNr);

    public ITimerScheduler Timers { get; set; } = null!;

    public IStash Stash { get; set; } = null!;

    public static Props Props(IChatStore store, JournalReader readJournal, DbWriterSettings settings) =>
        Akka.Actor.Props.Create(() => new DbWriter(store, readJournal, settings));

    protected override void PreStart() => CatchUp();

    private void CatchUp()
    {
        var store = _store;
        var readJournal = _readJournal;
        LoadAsync().PipeTo(Self, failure: cause => new CatchUpFailed(cause));

        async Task<object> LoadAsync()
        {
            var offset = await Task.Run(store.ReadOffset);
            return new CaughtUp(offset, await readJournal(offset));
        }
    }

    private void Starting()
    {
        Receive<CaughtUp>(caughtUp =>
        {
            _highestSequenceNr = caughtUp.Offset;
            _writtenThrough = caughtUp.Offset;
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
            _log.Error(failed.Cause, "Cannot read {0} or the journal to catch up; trying again", _store.Name);
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
        Receive<AwaitProjectedThrough>(awaited =>
        {
            _projectionAwaited = (awaited.SequenceNr, Sender);
            AnswerProjectionAwaited();
        });
        Receive<WriteTick>(_ => StartWrite());
        Receive<WriteSucceeded>(_ => OnWriteSucceeded());
        Receive<WriteFailed>(OnWriteFailed);
        Receive<RetryWrite>(_ =>
        {
            // What arrived during the outage goes with the retry, so the catch-up is one transaction.
            _writing = _writing!.Merge(TakePending());
            Write(_writing);
        });
    }

    private void OnWriteSucceeded()
    {
        _writtenThrough = _writing!.LastSequenceNr ?? _writtenThrough;
        if (_failedAttempts > 0)
        {
            _log.Info("storage.db is written again after {0:0} s; caught up through event {1}", (DateTime.UtcNow - _outageStartedUtc).TotalSeconds, _writtenThrough);
        }

        _writing = null;
        _failedAttempts = 0;
        AnswerProjectionAwaited();
        AfterWrite();
    }

    private void OnWriteFailed(WriteFailed failed)
    {
        if (_failedAttempts++ == 0)
        {
            _outageStartedUtc = DateTime.UtcNow;
            _log.Warning(
                "Cannot write to {0} ({1}); {2} events behind. Retrying until it can be written; nothing is skipped",
                _store.Name,
                failed.Cause.Message,
                _highestSequenceNr - _writtenThrough);
        }

        if (_stopWhenFlushed)
        {
            _log.Warning("Stopping with storage.db {0} events behind; the next writer catches up from the journal", _highestSequenceNr - _writtenThrough);
            Context.Stop(Self);
            return;
        }

        Timers.StartSingleTimer(WriteTimerKey, RetryWrite.Instance, CappedBackoff.Delay(_settings.FirstRetryDelay, _settings.MaxRetryDelay, _failedAttempts));
    }

    private void AnswerProjectionAwaited()
    {
        if (_projectionAwaited is { } awaited && awaited.SequenceNr <= _writtenThrough)
        {
            awaited.ReplyTo.Tell(new ProjectedThrough(awaited.SequenceNr));
            _projectionAwaited = null;
        }
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

        _writing = TakePending();
        Write(_writing);
    }

    private Batch TakePending()
    {
        var batch = new Batch([.. _pendingSessions], _pendingServer);
        _pendingSessions.Clear();
        _pendingServer = null;
        return batch;
    }

    private void Write(Batch batch)
    {
        var store = _store;
        Task.Run(() => store.Write(batch.Sessions, batch.Server))
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

    private sealed record Batch(IReadOnlyList<SessionChange> Sessions, ServerRow? Server)
    {
        public long? LastSequenceNr => Sessions.Count == 0 ? null : Sessions[^1].SequenceNr;

        /// <summary>This batch followed by a later one: all session changes in order, the newer server row.</summary>
        public Batch Merge(Batch later) => new([.. Sessions, .. later.Sessions], later.Server ?? Server);
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
/// <param name="FirstRetryDelay">The wait before the first retry; it doubles per failed attempt up to <paramref name="MaxRetryDelay"/>.</param>
public sealed record DbWriterSettings(TimeSpan FlushInterval, TimeSpan FirstRetryDelay, TimeSpan MaxRetryDelay)
{
    public static readonly DbWriterSettings Default = new(TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5));
}
