using System.Globalization;
using Akka.Actor;
using Akka.Event;
using ChatActors.Messages;
using ChatActors.Stats;

namespace ChatActors.Actors;

/// <summary>
/// Owns the counters of PROTOCOL.md section 3 for the whole chat and logs the stats line
/// whenever they change, at most once a second.
/// </summary>
public sealed class StatsActor : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(1);
    private const string LogTimerKey = "log";

    private readonly TimeProvider _clock;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private StatsState _state = StatsState.Empty;
    private int _online;
    private bool _changedSinceLog;

    public StatsActor(TimeProvider clock)
    {
        _clock = clock;

        Receive<CountApproach>(_ => Record(new ClientApproached(Now)));
        Receive<CountLostClient>(_ => Record(new ClientLost(Now)));
        Receive<RecordJoin>(join =>
        {
            var joined = new ClientJoined(join.User, Now);
            Record(joined);
            _online++;
            Sender.Tell(new JoinRecorded(join.User, joined.At));
        });
        Receive<RecordLeave>(leave =>
        {
            Record(new ClientLeft(leave.User, leave.JoinedAt, Now, leave.Rating));
            _online--;
        });
        Receive<GetStats>(_ => Sender.Tell(Snapshot()));
        Receive<LogTick>(_ =>
        {
            if (_changedSinceLog)
            {
                LogStats();
            }
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(TimeProvider clock) => Akka.Actor.Props.Create(() => new StatsActor(clock));

    private DateTime Now => _clock.GetLocalNow().DateTime;

    protected override void PostStop() => LogStats();

    private void Record(IStatsEvent statsEvent)
    {
        _state = _state.Apply(statsEvent);
        _changedSinceLog = true;
        if (!Timers.IsTimerActive(LogTimerKey))
        {
            LogStats();
        }
    }

    private void LogStats()
    {
        _changedSinceLog = false;
        Timers.StartSingleTimer(LogTimerKey, LogTick.Instance, LogInterval);
        var stats = Snapshot();
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

    private StatsSnapshot Snapshot()
    {
        var today = DateOnly.FromDateTime(Now);
        var state = _state.AsOf(today);
        return new StatsSnapshot(
            StorageFormat.Date(today),
            state.TodayCount,
            state.MonthlyCount,
            state.TotalApproaches,
            state.LostCount,
            state.AverageRating,
            _online);
    }

    private sealed record LogTick
    {
        public static readonly LogTick Instance = new();
    }
}
