using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.TestKit;
using ChatActors.Live;
using ChatActors.Server;
using ChatActors.Stats;
using ChatActors.Tests.Support;
using Spectre.Console.Testing;

namespace ChatActors.Tests.Unit;

public class LiveViewSpecs : Akka.TestKit.Xunit2.TestKit
{
    private static readonly DateTime At = new(2026, 11, 26, 14, 5, 9);
    private static readonly StatsSnapshot Stats = new("26 Nov 26", 3, 40, 57, 2, 4.5, 2);
    private readonly TestProbe _feed;
    private readonly TestProbe _stats;
    private readonly RecordingScreen _screen = new();

    public LiveViewSpecs()
    {
        _feed = CreateTestProbe();
        _stats = CreateTestProbe();
    }

    /// <summary>Starts a view and plays the mediator's subscribe acknowledgement; returns the view.</summary>
    private IActorRef StartView()
    {
        var view = Sys.ActorOf(LiveViewActor.Props(_feed, _stats, _screen));
        var subscribe = _feed.ExpectMsg<Subscribe>();
        Assert.Equal(LiveViewTopic.Name, subscribe.Topic);
        _feed.Reply(new SubscribeAck(subscribe));
        return view;
    }

    private ServerShown Server(string name, int online, string? lastJoined, IActorRef? server = null) =>
        new(server ?? CreateTestProbe(), name, "127.0.0.1:5000", 5010, 100, online, lastJoined, 0);

    [Fact]
    public void A_view_that_starts_asks_every_server_and_the_stats_actor_for_what_they_hold()
    {
        var view = StartView();
        var ask = _feed.ExpectMsg<Publish>();
        Assert.Equal((ChatTopic.Name, new ShowLiveView(view)), (ask.Topic, ask.Message));
        _stats.ExpectMsg<GetStats>();
    }

    [Fact]
    public void A_view_asks_the_servers_again_so_that_a_server_that_started_after_it_is_shown_without_a_client()
    {
        var view = StartView();
        _feed.ExpectMsg<Publish>();
        var again = _feed.ExpectMsg<Publish>(TimeSpan.FromSeconds(8));
        Assert.Equal((ChatTopic.Name, new ShowLiveView(view)), (again.Topic, again.Message));

        var late = CreateTestProbe();
        view.Tell(Server("Server-3", 0, null, late));
        AwaitAssert(() => Assert.Contains("Server-3", _screen.Model.Servers.Keys));
    }

    [Fact]
    public void The_model_holds_the_newest_counters_every_server_and_the_newest_events()
    {
        var view = StartView();
        view.Tell(Stats);
        view.Tell(Server("Server-10", 0, null));
        view.Tell(Server("Server-2", 1, "ann"));
        view.Tell(Server("Server-2", 2, "ben"));
        for (var i = 1; i <= LiveModel.LogLines + 1; i++)
        {
            view.Tell(new LiveEvent(At, $"event {i}"));
        }

        AwaitAssert(() =>
        {
            var model = _screen.Model;
            Assert.Equal(Stats, model.Stats);
            Assert.Equal(["Server-2", "Server-10"], model.Servers.Keys);
            Assert.Equal((2, "ben"), (model.Servers["Server-2"].Online, model.Servers["Server-2"].LastJoined));
            Assert.Equal(LiveModel.LogLines, model.Log.Count);
            Assert.Equal(("event 2", $"event {LiveModel.LogLines + 1}"), (model.Log[0].Text, model.Log[^1].Text));
        });
    }

    [Fact]
    public void A_server_that_stops_leaves_the_view_with_a_line_in_its_log()
    {
        var view = StartView();
        var server = CreateTestProbe();
        view.Tell(Server("Server-1", 1, "ann", server));
        AwaitAssert(() => Assert.Single(_screen.Model.Servers));

        Watch(server);
        server.Tell(PoisonPill.Instance);
        ExpectTerminated(server);

        AwaitAssert(() =>
        {
            Assert.Empty(_screen.Model.Servers);
            Assert.Equal("Server-1 is down", _screen.Model.Log[^1].Text);
        });
    }

    [Fact]
    public void The_rendering_shows_the_counters_the_servers_and_the_log()
    {
        var model = LiveModel.Empty with { Stats = Stats };
        model = model.With(Server("Server-1", 2, "ann")).With(new LiveEvent(At, "ann joined Server-1"));
        var console = new TestConsole().Width(120);

        console.Write(LiveViewRendering.Render(model, At, "q or Ctrl+C stops", height: 40));

        var screen = console.Output;
        Assert.Contains("Thu 26 Nov 2026  14:05:09", screen);
        Assert.Contains("rating 4.50", screen);
        Assert.Contains("today 3", screen);
        Assert.Contains("this month 40", screen);
        Assert.Contains("approached 57", screen);
        Assert.Contains("lost 2", screen);
        Assert.Matches(@"Server-1\s+│ 127\.0\.0\.1:5000\s+│ 5010\s+│ 2 / 100\s+│ ann", screen);
        Assert.Contains("14:05:09 ann joined Server-1", screen);
        Assert.Contains("q or Ctrl+C stops", screen);
    }

    [Theory]
    [InlineData(40)]
    [InlineData(24)]
    public void The_events_fill_the_terminal_to_its_last_row_with_the_newest_at_the_bottom(int height)
    {
        var model = LiveModel.Empty with { Stats = Stats };
        model = model.With(Server("Server-1", 2, "ann")).With(Server("Server-2", 0, null));
        for (var i = 1; i <= 60; i++)
        {
            model = model.With(new LiveEvent(At, $"event {i}"));
        }

        var console = new TestConsole().Width(120).Height(height);
        console.Write(LiveViewRendering.Render(model, At, "q or Ctrl+C stops", height));

        var lines = console.Output.TrimEnd('\n').Split('\n');
        Assert.Equal(height, lines.Length);
        Assert.Contains("q or Ctrl+C stops", lines[^1]);
        Assert.Contains("event 60", lines[^3]);
        var shownEvents = lines.Count(line => line.Contains("14:05:09 event ", StringComparison.Ordinal));
        Assert.Equal(height - 11, shownEvents);
    }
}
