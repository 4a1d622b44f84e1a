using System.Collections.Immutable;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Sql.Journal;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ChatActors.Stats.Storage;

/// <summary>
/// The stats journal: Akka.Persistence.Sql's journal, made to ride out a database that is
/// locked, full or read-only for a while. A write that fails is tried again with capped
/// backoff until its <c>patience</c> is used up, with one warning per outage; only then does
/// it fail, and the stats actor starts again from what the journal holds.
/// Writes go in order, one group at a time: everything that arrives while a group is being
/// written forms the next group, written in one transaction (so clients waiting for their
/// counts share one commit). When a group fails for good, the writes queued behind it fail
/// unattempted: the stats actor that sent them stops on the failure, and an event journaled
/// after the gap would count a request that was never answered.
/// </summary>
public sealed class PatientSqlJournal : SqlWriteJournal, IWithTimers
{
    private const int SqliteConstraintPrimaryKey = 1555;
    private const int SqliteConstraintUnique = 2067;
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    private readonly TimeSpan _patience;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<PendingWrite> _queued = [];
    private WriteGroup? _writing;

    public PatientSqlJournal(Config journalConfig)
        : base(journalConfig)
    {
        _patience = journalConfig.GetTimeSpan("patience", TimeSpan.FromSeconds(90));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <remarks>
    /// A batch that holds only a deferred handler (the stats actor's <c>DeferAsync</c> when its
    /// events went in the batch before) comes here with no message at all: there is nothing to
    /// write, and the base journal would throw on it.
    /// </remarks>
    protected override Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var write = new PendingWrite(messages.ToList());
        if (write.Messages.Count == 0)
        {
            return Task.FromResult<IImmutableList<Exception>>(ImmutableList<Exception>.Empty);
        }

        _queued.Add(write);
        if (_writing is null)
        {
            StartNextGroup();
        }

        return write.Completion.Task;
    }

    protected override bool ReceivePluginInternal(object message)
    {
        switch (message)
        {
            case AttemptFinished finished:
                OnAttemptFinished(finished.Group, finished.Attempt);
                return true;
            case RetryGroup retry:
                Attempt(retry.Group);
                return true;
            default:
                return base.ReceivePluginInternal(message);
        }
    }

    private void StartNextGroup()
    {
        _writing = _queued.Count == 0 ? null : new WriteGroup([.. _queued], DateTime.UtcNow);
        _queued.Clear();
        if (_writing is not null)
        {
            Attempt(_writing);
        }
    }

    /// <summary>Runs on the journal actor's thread, as the base journal requires; its outcome comes back as a message.</summary>
    private void Attempt(WriteGroup group)
    {
        var self = Self;
        StartAttempt(group).ContinueWith(
            attempt => self.Tell(new AttemptFinished(group, attempt)),
            TaskContinuationOptions.ExecuteSynchronously);
    }

    /// <summary>A write that throws before it returns its task ends as any failed attempt does, so the group always hears how it went.</summary>
    private Task<IImmutableList<Exception>> StartAttempt(WriteGroup group)
    {
        try
        {
            return base.WriteMessagesAsync(group.Messages, CancellationToken.None);
        }
        catch (Exception ex)
        {
            return Task.FromException<IImmutableList<Exception>>(ex);
        }
    }

    private void OnAttemptFinished(WriteGroup group, Task<IImmutableList<Exception>> attempt)
    {
        if (attempt.IsCompletedSuccessfully)
        {
            if (group.FailedAttempts > 0)
            {
                _log.Info("The stats journal is written again after {0:0.0} s", (DateTime.UtcNow - group.StartedUtc).TotalSeconds);
            }

            group.Complete(attempt.Result);
            StartNextGroup();
            return;
        }

        var cause = attempt.Exception?.GetBaseException() ?? new TaskCanceledException("the journal write was cancelled");
        if (IsWorthRetrying(cause) && DateTime.UtcNow - group.StartedUtc < _patience)
        {
            if (group.FailedAttempts++ == 0)
            {
                _log.Warning("The stats journal cannot write ({0}); counts wait while it retries for up to {1}", cause.Message, _patience);
            }

            Timers.StartSingleTimer(group, new RetryGroup(group), CappedBackoff.Delay(FirstRetryDelay, MaxRetryDelay, group.FailedAttempts));
            return;
        }

        group.Fail(cause);
        var notAttempted = new InvalidOperationException("not attempted: an earlier write to the stats journal failed", cause);
        _queued.ForEach(queued => queued.Completion.SetException(notAttempted));
        _queued.Clear();
        _writing = null;
    }

    /// <summary>
    /// A SQLite or PostgreSQL error rolls its transaction back (a PostgreSQL server that cannot
    /// be reached never began one), so the write can be tried again; a key that is already
    /// there means the events are written and trying again cannot help.
    /// </summary>
    private static bool IsWorthRetrying(Exception cause)
    {
        for (var inner = cause; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case SqliteException sqlite:
                    return sqlite.SqliteExtendedErrorCode is not (SqliteConstraintPrimaryKey or SqliteConstraintUnique);
                case PostgresException postgres:
                    return postgres.SqlState != PostgresErrorCodes.UniqueViolation;
                case NpgsqlException:
                    return true;
            }
        }

        return false;
    }

    /// <summary>One call of the base journal's write, as the persistent actor sent it.</summary>
    private sealed class PendingWrite(IReadOnlyList<AtomicWrite> messages)
    {
        public IReadOnlyList<AtomicWrite> Messages { get; } = messages;

        public TaskCompletionSource<IImmutableList<Exception>> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>The writes that are written together, in one call of the base journal.</summary>
    private sealed class WriteGroup(IReadOnlyList<PendingWrite> writes, DateTime startedUtc)
    {
        public IReadOnlyList<AtomicWrite> Messages { get; } = writes.SelectMany(write => write.Messages).ToList();

        public DateTime StartedUtc { get; } = startedUtc;

        public int FailedAttempts { get; set; }

        /// <summary>The base journal answers one rejection (or null) per atomic write; each write gets its own share.</summary>
        public void Complete(IImmutableList<Exception>? rejections)
        {
            var offset = 0;
            foreach (var write in writes)
            {
                write.Completion.SetResult(rejections is null || rejections.Count == 0
                    ? ImmutableList<Exception>.Empty
                    : rejections.Skip(offset).Take(write.Messages.Count).ToImmutableList());
                offset += write.Messages.Count;
            }
        }

        public void Fail(Exception cause)
        {
            foreach (var write in writes)
            {
                write.Completion.SetException(cause);
            }
        }
    }

    private sealed record AttemptFinished(WriteGroup Group, Task<IImmutableList<Exception>> Attempt);

    private sealed record RetryGroup(WriteGroup Group);
}
