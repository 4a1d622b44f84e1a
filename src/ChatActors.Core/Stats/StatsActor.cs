using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Akka.Persistence;
using ChatActors.Admin;
using ChatActors.Hosting;
using ChatActors.Live;
using ChatActors.Server;
using ChatActors.Stats.Storage;

namespace ChatActors.Stats;

/// <summary>
/// Owns the counters of PROTOCOL.md section 3 for the whole chat. Every event is
/// journaled before it counts, and every request is answered only then, so that no client
/// sees an outcome that is not counted. Snapshots keep recovery short; the journal is
/// trimmed behind a snapshot once storage.db holds its events; each persisted event goes
/// on to the <see cref="DbWriter"/>.
/// Logs the stats line when the counters change, at most once a second. It is a cluster
/// singleton: wherever it starts it recovers every count from the journal, and <c>online</c>
/// is the sum of the joined clients that the live servers report (relearned from them on start).
/// </summary>
public sealed class StatsActor : ReceivePersistentActor, IWithTimers
{
    public const string StatsPersistenceId = "chat-stats";
    private static readonly TimeSpan TickInterval = TimeSpan.FromSeconds(1);
    private const string TickTimerKey = "tick";
    private const string TrimTimerKey = "trim";

    /// <summary>A trim that failed (a dropped connection, a lock) is tried again: no later snapshot may come to try it for us.</summary>
    private static readonly TimeSpan TrimRetryDelay = TimeSpan.FromSeconds(1);

    private readonly TimeProvider _clock;
    private readonly IActorRef _dbWriter;
    private readonly StatsState? _legacyCounters;
    private readonly int _snapshotInterval;
    private readonly IActorRef _chatTopic;
    private readonly ChatMetrics _metrics;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<IActorRef, ServerOnline> _onlineByServer = new();
    private readonly Queue<IActorRef> _awaitingJournal = new();
    private StatsState _state = StatsState.Empty;
    private long _snapshotSequenceNr;
    private bool _recovered;
    private StatsSnapshot? _lastLogged;

    /// <param name="legacyCounters">The newest <c>server</c> row of an existing storage.db, used only when the journal is empty.</param>
    /// <param name="chatTopic">The DistributedPubSub mediator through which the servers are asked what they hold.</param>
    public StatsActor(TimeProvider clock, IActorRef dbWriter, IActorRef chatTopic, ChatMetrics metrics, StatsState? legacyCounters, int snapshotInterval)
    {
        _clock = clock;
        _metrics = metrics;
        _dbWriter = dbWriter;
        _chatTopic = chatTopic;
        _legacyCounters = legacyCounters;
        _snapshotInterval = snapshotInterval;

        Recover<SnapshotOffer>(offer =>
        {
            _state = (StatsState)offer.Snapshot;
            _snapshotSequenceNr = offer.Metadata.SequenceNr;
        });
        Recover<IStatsEvent>(recovered => _state = _state.Apply(recovered));
        Recover<RecoveryCompleted>(_ => OnRecoveryCompleted());

        Command<CountApproach>(approach => Record(
            approach,
            approach.TurnedAway ? [new ClientApproached(Now), new ClientLost(Now)] : [new ClientApproached(Now)],
            _ => Counted.Instance));
        Command<CountLostClient>(lost => Record(lost, [new ClientLost(Now)], _ => Counted.Instance));
        Command<CountRefusedConnections>(refused => Record(
            refused,
            [new ConnectionsRefused(refused.Count, refused.AtBalancer, Now)],
            _ => Counted.Instance));
        Command<RecordJoin>(join => Record(join, [new ClientJoined(join.User, Now)], joined => new JoinRecorded(join.User, joined.At, LastSequenceNr)));
        Command<RecordLeave>(leave => Record(
            leave,
            [new ClientLeft(leave.User, leave.JoinedAt, leave.JoinSequenceNr, Now, leave.Rating)],
            _ => Counted.Instance));
        Command<ServerOnline>(CountOnline);
        Command<ServerStatus>(status => CountOnline(status.Online));
        Command<Terminated>(terminated => _onlineByServer.Remove(terminated.ActorRef));
        Command<GetStats>(_ => Sender.Tell(Snapshot()));
        Command<FlushStats>(_ =>
        {
            var replyTo = Sender;
            DeferAsync(FlushStats.Instance, _ =>
            {
                SendTotals();
                _dbWriter.Tell(new FlushStorage(replyTo));
            });
        });
        Command<Tick>(_ => LogIfChanged());
        Command<SaveSnapshotSuccess>(saved =>
        {
            // Snapshots are saved side by side: one taken earlier may report after a newer one,
            // and must not take the trim back to itself.
            if (saved.Metadata.SequenceNr <= _snapshotSequenceNr)
            {
                return;
            }

            _snapshotSequenceNr = saved.Metadata.SequenceNr;
            DeleteSnapshots(new SnapshotSelectionCriteria(saved.Metadata.SequenceNr - 1));
            _dbWriter.Tell(new AwaitProjectedThrough(_snapshotSequenceNr));
        });
        Command<SaveSnapshotFailure>(failed => _log.Warning("Could not save a stats snapshot: {0}", failed.Cause.Message));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(failed => _log.Warning("Could not delete old stats snapshots: {0}", failed.Cause.Message));
        // Only events that both a snapshot and storage.db hold are forgotten, so neither a
        // recovery nor the storage.db writer's catch-up ever needs one of them again.
        Command<ProjectedThrough>(projected => DeleteMessages(Math.Min(projected.SequenceNr, _snapshotSequenceNr)));
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(failed =>
        {
            _log.Warning("Could not trim the stats journal through event {0} ({1}); trying again in {2}", failed.ToSequenceNr, failed.Cause.Message, TrimRetryDelay);
            Timers.StartSingleTimer(TrimTimerKey, new RetryTrim(failed.ToSequenceNr), TrimRetryDelay);
        });
        Command<RetryTrim>(retry => DeleteMessages(retry.ToSequenceNr));
    }

    public override string PersistenceId => StatsPersistenceId;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(TimeProvider clock, IActorRef dbWriter, IActorRef chatTopic, ChatMetrics metrics, StatsState? legacyCounters = null, int snapshotInterval = 1000) =>
        Akka.Actor.Props.Create(() => new StatsActor(clock, dbWriter, chatTopic, metrics, legacyCounters, snapshotInterval));

    private DateTime Now => _clock.GetLocalNow().DateTime;

    protected override void PostStop()
    {
        // An incarnation that never finished its recovery holds no true counters to log.
        if (_recovered)
        {
            LogStats(Snapshot());
        }

        base.PostStop();
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        _log.Error(
            cause,
            "The stats journal could not write event {0} ({1}); the stats actor starts again from the journal, and what waited on it is not counted",
            sequenceNr,
            @event.GetType().Name);

        // The journal fails every write queued behind this one too: none of these requests is counted.
        while (_awaitingJournal.TryDequeue(out var requester))
        {
            requester.Tell(CountRefused.Instance);
        }

        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    private void OnRecoveryCompleted()
    {
        _recovered = true;
        _log.Info("Stats recovered on {0} after event {1}", SingletonLocation.Of(Context.System), LastSequenceNr);
        if (_snapshotSequenceNr > 0)
        {
            _dbWriter.Tell(new AwaitProjectedThrough(_snapshotSequenceNr));
        }

        _chatTopic.Tell(new Publish(ChatTopic.Name, new ReportServerStatus(Self)));
        Timers.StartPeriodicTimer(TickTimerKey, Tick.Instance, TickInterval);
        if (LastSequenceNr == 0 && _legacyCounters is not null)
        {
            _log.Info("Resuming the counters of storage.db's newest server row ({0})", StorageFormat.Date(_legacyCounters.Date));
            // Persist, not PersistAsync: no command is handled before the carried-over counters count.
            Persist(new StatsResumed(_legacyCounters, Now), Count);
            return;
        }

        SendTotals();
        LogIfChanged();
    }

    /// <summary>
    /// Journals the events of one request and answers it once the last of them counts. A request
    /// past its deadline is refused: its requester may already have told the client it failed.
    /// </summary>
    private void Record(ICountRequest request, IStatsEvent[] events, Func<IStatsEvent, object> answer)
    {
        if (DateTime.UtcNow > request.AcceptBeforeUtc)
        {
            _log.Warning("{0} came after its deadline and is not counted", request.GetType().Name);
            Sender.Tell(CountRefused.Instance);
            return;
        }

        _awaitingJournal.Enqueue(Sender);
        var persistedCount = 0;
        var persistingSince = Stopwatch.GetTimestamp();
        PersistAllAsync(events, persisted =>
        {
            Count(persisted);
            if (++persistedCount == events.Length)
            {
                _metrics.JournalWritten(persistingSince);
                // Handlers run in journal order, so the oldest requester waiting is this one.
                _awaitingJournal.Dequeue().Tell(answer(persisted));
            }
        });
    }

    private void Count(IStatsEvent persisted)
    {
        _state = _state.Apply(persisted);
        _dbWriter.Tell(new StatsEventRecorded(LastSequenceNr, persisted));
        SendTotals();
        if (LastSequenceNr % _snapshotInterval == 0)
        {
            SaveSnapshot(_state);
        }
    }

    private void CountOnline(ServerOnline online)
    {
        if (!_onlineByServer.TryGetValue(online.Server, out var known))
        {
            Context.Watch(online.Server);
        }
        else if (known.Version >= online.Version)
        {
            return;
        }

        _onlineByServer[online.Server] = online;
    }

    private void SendTotals() => _dbWriter.Tell(new ServerTotalsChanged(ServerRow.From(_state.AsOf(Today))));

    /// <summary>Logs when the counters (or the date) changed since the last line; runs at most once per tick.</summary>
    private void LogIfChanged()
    {
        var stats = Snapshot();
        if (stats == _lastLogged)
        {
            return;
        }

        if (_lastLogged is not null && _lastLogged.Date != stats.Date)
        {
            SendTotals();
        }

        LogStats(stats);
        LiveViewTopic.Publish(_chatTopic, stats);
    }

    private void LogStats(StatsSnapshot stats)
    {
        _lastLogged = stats;
        _log.Info(
            "stats date={0} today={1} month={2} approaches={3} lost={4} rating={5} online={6}",
            [
                stats.Date,
                stats.TodayCount,
                stats.MonthlyCount,
                stats.TotalApproaches,
                stats.LostCount,
                stats.AverageRating.ToString("0.00", CultureInfo.InvariantCulture),
                stats.Online,
            ]);
    }

    private DateOnly Today => DateOnly.FromDateTime(Now);

    private StatsSnapshot Snapshot()
    {
        var state = _state.AsOf(Today);
        return new StatsSnapshot(
            StorageFormat.Date(state.Date),
            state.TodayCount,
            state.MonthlyCount,
            state.TotalApproaches,
            state.LostCount,
            state.AverageRating,
            _onlineByServer.Values.Sum(online => online.Joined));
    }

    private sealed record Tick
    {
        public static readonly Tick Instance = new();
    }

    private sealed record RetryTrim(long ToSequenceNr);
}
