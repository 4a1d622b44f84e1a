using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using ChatActors.Live;

namespace ChatActors.Admin;

/// <summary>
/// The dashboard's side of the live view: a <see cref="LiveViewActor"/> shows the cluster here as
/// it does in a terminal, <see cref="Sample"/> adds a point to the charts every second, and each
/// open page gets the newest <see cref="DashboardView"/> whenever something changed.
/// </summary>
/// <param name="nodes">The cluster's nodes as this node sees them now.</param>
public sealed class DashboardFeed(Func<IReadOnlyList<NodePicture>> nodes) : ILiveScreen
{
    public const int ChartPoints = 600;

    /// <summary>At most this many updates a second go to a page, however busy the chat.</summary>
    private static readonly TimeSpan UpdateEvery = TimeSpan.FromMilliseconds(250);

    private readonly Lock _lock = new();
    private readonly Queue<(long At, int Online, long Joins, long Lines)> _points = new();
    private readonly Dictionary<string, long> _linesSeen = new();
    private LiveModel _model = LiveModel.Empty;
    private long? _todayCount;
    private TaskCompletionSource _changed = NewSignal();

    public void Show(LiveModel model)
    {
        lock (_lock)
        {
            _model = model;
            Changed();
        }
    }

    /// <summary>
    /// One point of the charts: clients online, the joins counted since the last point, and the
    /// lines said (every server sees each line of the cluster, so the one that saw most tells).
    /// </summary>
    public void Sample(DateTimeOffset now)
    {
        lock (_lock)
        {
            var today = _model.Stats?.TodayCount;
            var joins = today is { } count && _todayCount is { } before ? Math.Max(0, count - before) : 0;
            _todayCount = today ?? _todayCount;
            var lines = 0L;
            foreach (var server in _model.Servers.Values)
            {
                if (_linesSeen.TryGetValue(server.Name, out var seen))
                {
                    lines = Math.Max(lines, server.LinesSeen - seen);
                }

                _linesSeen[server.Name] = server.LinesSeen;
            }

            _points.Enqueue((now.ToUnixTimeSeconds(), _model.Servers.Values.Sum(server => server.Online), joins, lines));
            while (_points.Count > ChartPoints)
            {
                _points.Dequeue();
            }

            Changed();
        }
    }

    public DashboardView Current()
    {
        lock (_lock)
        {
            return new DashboardView(
                _model.Stats,
                _model.Servers.Values.Select(ServerView.Of).ToList(),
                _model.Log.Select(happened => new EventView(happened.At, happened.Text)).Reverse().Take(50).ToList(),
                nodes(),
                new ChartSeries(
                    _points.Select(point => point.At).ToList(),
                    _points.Select(point => point.Online).ToList(),
                    _points.Select(point => point.Joins).ToList(),
                    _points.Select(point => point.Lines).ToList()));
        }
    }

    /// <summary>The view now, then again after each change, until the page goes away.</summary>
    public async IAsyncEnumerable<SseItem<DashboardView>> UpdatesAsync([EnumeratorCancellation] CancellationToken closed)
    {
        while (!closed.IsCancellationRequested)
        {
            Task changed;
            lock (_lock)
            {
                changed = _changed.Task;
            }

            yield return new SseItem<DashboardView>(Current(), "view");
            if (!await WaitAsync(Task.WhenAll(changed, Task.Delay(UpdateEvery, closed)), closed))
            {
                yield break;
            }
        }
    }

    private static async Task<bool> WaitAsync(Task task, CancellationToken closed)
    {
        try
        {
            await task.WaitAsync(closed);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void Changed()
    {
        _changed.TrySetResult();
        _changed = NewSignal();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
