using System.Globalization;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Akka.Persistence;
using ChatActors.Messages;
using ChatActors.Stats;
using ChatActors.Storage;

namespace ChatActors.Actors;

/// <summary>
/// Owns the counters of PROTOCOL.md section 3 for the whole chat. Every event is
/// journaled before it counts (a join is acknowledged only then), snapshots keep
/// recovery short, and each persisted event goes on to the <see cref="DbWriter"/>.
/// Logs the stats line when the counters change, at most once a second. It is a cluster
/// singleton: wherever it starts it recovers every count from the journal, and <c>online</c>
/// is the sum of the joined clients that the live servers report (relearned from them on start).
/// </summary>
public sealed class StatsActor : ReceivePersistentActor, IWithTimers
{
    public const string StatsPersistenceId = "chat-stats";
    private static readonly TimeSpan TickInterval = TimeSpan.FromSeconds(1);
    private const string TickTimerKey = "tick";

    private readonly TimeProvider _clock;
    private readonly IActorRef _dbWriter;
    private readonly StatsState? _legacyCounters;
    private readonly int _snapshotInterval;
    private readonly IActorRef _chatTopic;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<IActorRef, int> _joinedByServer = new();
    private StatsState _state = StatsState.Empty;
    private StatsSnapshot? _lastLogged;

    /// <param name="legacyCounters">The newest <c>server</c> row of an existing storage.db, used only when the journal is empty.</param>
    /// <param name="chatTopic">The DistributedPubSub mediator through which the servers are asked what they hold.</param>
    public StatsActor(TimeProvider clock, IActorRef dbWriter, IActorRef chatTopic, StatsState? legacyCounters, int snapshotInterval)
    {
        _clock = clock;
        _dbWriter = dbWriter;
        _chatTopic = chatTopic;
        _legacyCounters = legacyCounters;
        _snapshotInterval = snapshotInterval;

        Recover<SnapshotOffer>(offer => _state = (StatsState)offer.Snapshot);
        Recover<IStatsEvent>(recovered => _state = _state.Apply(recovered));
        Recover<RecoveryCompleted>(_ => OnRecoveryCompleted());

        Command<CountApproach>(_ => Record(new ClientApproached(Now)));
        Command<CountLostClient>(_ => Record(new ClientLost(Now)));
        Command<RecordJoin>(join =>
        {
            var replyTo = Sender;
            Record(new ClientJoined(join.User, Now), joined => replyTo.Tell(new JoinRecorded(join.User, joined.At)));
        });
        Command<RecordLeave>(leave => Record(new ClientLeft(leave.User, leave.JoinedAt, Now, leave.Rating)));
        Command<ServerOnline>(online => CountOnline(online.Server, online.Joined));
        Command<ServerStatus>(status => CountOnline(status.Registration.Server, status.Joined));
        Command<Terminated>(terminated => _joinedByServer.Remove(terminated.ActorRef));
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
        Command<SaveSnapshotSuccess>(saved => DeleteSnapshots(new SnapshotSelectionCriteria(saved.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(failed => _log.Warning("Could not save a stats snapshot: {0}", failed.Cause.Message));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(failed => _log.Warning("Could not delete old stats snapshots: {0}", failed.Cause.Message));
    }

    public override string PersistenceId => StatsPersistenceId;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(TimeProvider clock, IActorRef dbWriter, IActorRef chatTopic, StatsState? legacyCounters = null, int snapshotInterval = 1000) =>
        Akka.Actor.Props.Create(() => new StatsActor(clock, dbWriter, chatTopic, legacyCounters, snapshotInterval));

    private DateTime Now => _clock.GetLocalNow().DateTime;

    protected override void PostStop()
    {
        LogStats(Snapshot());
        base.PostStop();
    }

    private void OnRecoveryCompleted()
    {
        _log.Info("Stats recovered on {0} after event {1}", SingletonLocation.Of(Context.System), LastSequenceNr);
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

    private void Record<TEvent>(TEvent statsEvent, Action<TEvent>? afterCounting = null)
        where TEvent : IStatsEvent
    {
        PersistAsync(statsEvent, persisted =>
        {
            Count(persisted);
            afterCounting?.Invoke(persisted);
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

    private void CountOnline(IActorRef server, int joined)
    {
        if (_joinedByServer.TryAdd(server, joined))
        {
            Context.Watch(server);
        }

        _joinedByServer[server] = joined;
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
            _joinedByServer.Values.Sum());
    }

    private sealed record Tick
    {
        public static readonly Tick Instance = new();
    }
}
