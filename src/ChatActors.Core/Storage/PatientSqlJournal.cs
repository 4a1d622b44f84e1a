using System.Collections.Immutable;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Sql.Journal;
using Microsoft.Data.Sqlite;

namespace ChatActors.Storage;

/// <summary>
/// The stats journal: Akka.Persistence.Sql's journal, made to ride out a database that is
/// locked, full or read-only for a while. A write that fails is tried again with capped
/// backoff until its <c>patience</c> is used up, with one warning per outage; only then does
/// it fail, and the stats actor starts again from what the journal holds. Writes are
/// attempted one at a time, in order. When one fails for good, the writes queued behind it
/// fail unattempted: the stats actor that sent them stops on the failure, and an event
/// journaled after the gap would count a request that was never answered.
/// </summary>
public sealed class PatientSqlJournal : SqlWriteJournal, IWithTimers
{
    private const int SqliteConstraintPrimaryKey = 1555;
    private const int SqliteConstraintUnique = 2067;
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    private readonly TimeSpan _patience;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Queue<PendingWrite> _queued = new();
    private PendingWrite? _writing;

    public PatientSqlJournal(Config journalConfig)
        : base(journalConfig)
    {
        _patience = journalConfig.GetTimeSpan("patience", TimeSpan.FromSeconds(90));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var write = new PendingWrite(messages.ToList());
        _queued.Enqueue(write);
        if (_writing is null)
        {
            StartNext();
        }

        return write.Completion.Task;
    }

    protected override bool ReceivePluginInternal(object message)
    {
        switch (message)
        {
            case AttemptFinished finished:
                OnAttemptFinished(finished.Write, finished.Attempt);
                return true;
            case RetryWrite retry:
                Attempt(retry.Write);
                return true;
            default:
                return base.ReceivePluginInternal(message);
        }
    }

    private void StartNext()
    {
        _writing = _queued.TryDequeue(out var next) ? next : null;
        if (_writing is not null)
        {
            _writing.StartedUtc = DateTime.UtcNow;
            Attempt(_writing);
        }
    }

    /// <summary>Runs on the journal actor's thread, as the base journal requires; its outcome comes back as a message.</summary>
    private void Attempt(PendingWrite write)
    {
        var self = Self;
        base.WriteMessagesAsync(write.Messages, CancellationToken.None).ContinueWith(
            attempt => self.Tell(new AttemptFinished(write, attempt)),
            TaskContinuationOptions.ExecuteSynchronously);
    }

    private void OnAttemptFinished(PendingWrite write, Task<IImmutableList<Exception>> attempt)
    {
        if (attempt.IsCompletedSuccessfully)
        {
            if (write.FailedAttempts > 0)
            {
                _log.Info("The stats journal is written again after {0:0.0} s", (DateTime.UtcNow - write.StartedUtc).TotalSeconds);
            }

            write.Completion.SetResult(attempt.Result);
            StartNext();
            return;
        }

        var cause = attempt.Exception?.GetBaseException() ?? new TaskCanceledException("the journal write was cancelled");
        var waited = DateTime.UtcNow - write.StartedUtc;
        if (IsWorthRetrying(cause) && waited < _patience)
        {
            if (write.FailedAttempts++ == 0)
            {
                _log.Warning("The stats journal cannot write ({0}); counts wait while it retries for up to {1}", cause.Message, _patience);
            }

            var delay = TimeSpan.FromTicks(Math.Min(MaxRetryDelay.Ticks, FirstRetryDelay.Ticks << Math.Min(write.FailedAttempts - 1, 16)));
            Timers.StartSingleTimer(write, new RetryWrite(write), delay);
            return;
        }

        write.Completion.SetException(cause);
        while (_queued.TryDequeue(out var queued))
        {
            queued.Completion.SetException(new InvalidOperationException("not attempted: an earlier write to the stats journal failed", cause));
        }

        _writing = null;
    }

    /// <summary>
    /// A SQLite error rolls its transaction back, so the write can be tried again; a key that
    /// is already there means the events are written and trying again cannot help.
    /// </summary>
    private static bool IsWorthRetrying(Exception cause)
    {
        for (var inner = cause; inner is not null; inner = inner.InnerException)
        {
            if (inner is SqliteException sqlite)
            {
                return sqlite.SqliteExtendedErrorCode is not (SqliteConstraintPrimaryKey or SqliteConstraintUnique);
            }
        }

        return false;
    }

    private sealed class PendingWrite(IReadOnlyList<AtomicWrite> messages)
    {
        public IReadOnlyList<AtomicWrite> Messages { get; } = messages;

        public TaskCompletionSource<IImmutableList<Exception>> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public DateTime StartedUtc { get; set; }

        public int FailedAttempts { get; set; }
    }

    private sealed record AttemptFinished(PendingWrite Write, Task<IImmutableList<Exception>> Attempt);

    private sealed record RetryWrite(PendingWrite Write);
}
