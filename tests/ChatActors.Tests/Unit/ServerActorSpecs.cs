using System.Net;
using System.Net.Sockets;
using System.Text;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.TestKit;
using ChatActors.Balancer;
using ChatActors.Live;
using ChatActors.Names;
using ChatActors.Net;
using ChatActors.Server;
using ChatActors.Session;
using ChatActors.Stats;
using ChatActors.Tests.Support;

namespace ChatActors.Tests.Unit;

public class ServerActorSpecs : Akka.TestKit.Xunit2.TestKit
{
    private static readonly CountWaits Counting = new(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30));
    private readonly TestProbe _balancer;
    private readonly TestProbe _names;
    private readonly TestProbe _stats;
    private readonly TestProbe _topic;
    private readonly TestProbe _gate;
    private readonly TestProbe _live;

    /// <summary>As base.conf has it, so that the server gives its sessions that mailbox.</summary>
    private const string SessionMailboxConfig = "chat-actors.session-mailbox.mailbox-type = \"ChatActors.Session.SessionMailbox, ChatActors.Core\"";

    public ServerActorSpecs()
        : base(SessionMailboxConfig)
    {
        _balancer = CreateTestProbe();
        _names = CreateTestProbe();
        _stats = CreateTestProbe();
        _topic = CreateTestProbe();
        _gate = CreateTestProbe();
        _live = CreateTestProbe();
    }

    /// <summary>Starts Server-1 on a free port and lets it subscribe; returns it and its port.</summary>
    private (IActorRef Server, int Port) StartServer(int capacity)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        var settings = new ServerSettings(0, "127.0.0.1", capacity, new SessionSettings("Server-1", 4096, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30), Counting, TimeSpan.FromSeconds(30), ClientSessionSpecKit.Unlimited), OutboundLimits.Default, AddressLimits.None);
        var server = Sys.ActorOf(ServerActor.Props(settings, listener, _balancer, _gate, new ChatServices(_names, _stats, _topic, _live, TimeProvider.System, TestMetrics.Create())));

        var subscribe = _topic.ExpectMsg<Subscribe>();
        Assert.Equal(ChatTopic.Name, subscribe.Topic);
        _balancer.ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // not registered before it is subscribed
        // Nor listening: a client that connects now is refused at once instead of waiting ungreeted.
        Assert.Throws<SocketException>(() => new TcpClient().Connect(IPAddress.Loopback, port));
        _topic.Reply(new SubscribeAck(subscribe));
        Assert.Equal(new RegisterServer(0, "Server-1", "127.0.0.1", port, capacity, server), _balancer.ExpectMsg<RegisterServer>());
        return (server, port);
    }

    /// <summary>Connects a client and reads its greeting.</summary>
    private static async Task<ChatClient> ConnectAsync(int port)
    {
        var client = await ChatClient.ConnectAsync(port);
        Assert.Equal("Server-1", await client.ReadLineAsync());
        return client;
    }

    /// <summary>Joins a connected client, playing the name registry and the stats actor; returns it with its session actor.</summary>
    private async Task<(ChatClient Client, IActorRef Session)> JoinAsync(ChatClient client, string name)
    {
        await client.SendAsync($"{name} joined the server\n");
        await _names.ExpectMsgAsync<ClaimName>();
        var session = _names.LastSender;
        _names.Reply(new NameClaimed(name));
        await _stats.FishForMessageAsync<RecordJoin>(_ => true);
        _stats.Reply(new JoinRecorded(name, DateTime.Now, 1));
        Assert.Equal($"{name} joined the server", await client.ReadLineAsync());
        await _topic.FishForMessageAsync<Publish>(publish => publish.Message is ChatLines);
        return (client, session);
    }

    private static ChatLines Lines(string text, IActorRef excluded) => new(Encoding.UTF8.GetBytes(text), excluded);

    [Fact]
    public async Task It_shows_the_live_view_who_is_online_who_joined_last_and_what_happened()
    {
        var (server, port) = StartServer(capacity: 5);
        // It only publishes there: the views' news is not for the servers (a view asks them on the chat topic).
        var started = _live.ExpectMsg<Publish>();
        Assert.Equal((LiveViewTopic.Name, new ServerShown(server, "Server-1", "this node", port, 5, 0, null, 0)), (started.Topic, started.Message));

        var (ann, _) = await JoinAsync(await ConnectAsync(port), "ann");
        await _live.FishForMessageAsync(message => message is Publish { Message: LiveEvent { Text: "ann joined Server-1" } });
        var joined = (Publish)await _live.FishForMessageAsync(message => message is Publish { Message: ServerShown });
        Assert.Equal((1, "ann"), (((ServerShown)joined.Message).Online, ((ServerShown)joined.Message).LastJoined));

        // A view that starts asks, and gets the same figures.
        var view = CreateTestProbe();
        server.Tell(new ShowLiveView(view));
        var shown = view.ExpectMsg<ServerShown>();
        Assert.Equal((1, "ann"), (shown.Online, shown.LastJoined));
        await ann.DisposeAsync();
    }

    [Fact]
    public async Task It_reports_its_load_and_turns_away_a_client_over_capacity()
    {
        var (_, port) = StartServer(capacity: 1);
        await using var first = await ChatClient.ConnectAsync(port);
        Assert.Equal(new ServerLoad(0, 1), await _balancer.ExpectMsgAsync<ServerLoad>());

        // The client turned away sees "Server busy" only once it is counted lost.
        await using var second = await ChatClient.ConnectAsync(port);
        var reply = second.ReadToEndAsync();
        await _stats.ExpectMsgAsync<CountLostClient>();
        await Assert.ThrowsAsync<TimeoutException>(() => reply.WaitAsync(TimeSpan.FromMilliseconds(200)));
        _stats.Reply(Counted.Instance);
        Assert.Equal("Server busy, try after 5 mins!\n", await reply);

        // One that cannot be counted gets no answer at all.
        await using var third = await ChatClient.ConnectAsync(port);
        await _stats.ExpectMsgAsync<CountLostClient>();
        _stats.Reply(CountRefused.Instance);
        Assert.Equal(string.Empty, await third.ReadToEndAsync());

        await first.DisposeAsync();
        Assert.Equal(new ServerLoad(0, 0), await _balancer.ExpectMsgAsync<ServerLoad>());
    }

    [Fact]
    public async Task A_broadcast_reaches_every_joined_client_but_the_excluded_one_and_no_one_not_yet_joined()
    {
        var (server, port) = StartServer(capacity: 10);
        var (ann, annSession) = await JoinAsync(await ConnectAsync(port), "ann");
        var (ben, _) = await JoinAsync(await ConnectAsync(port), "ben");
        await using var lurker = await ConnectAsync(port);

        server.Tell(Lines("x : one\nx : two\n", ActorRefs.Nobody));
        server.Tell(Lines("ann exited the server\n", annSession));
        server.Tell(Lines("x : three\n", ActorRefs.Nobody));

        Assert.Equal(["x : one", "x : two", "x : three"], [await ann.ReadLineAsync(), await ann.ReadLineAsync(), await ann.ReadLineAsync()]);
        Assert.Equal(
            ["x : one", "x : two", "ann exited the server", "x : three"],
            [await ben.ReadLineAsync(), await ben.ReadLineAsync(), await ben.ReadLineAsync(), await ben.ReadLineAsync()]);

        // The lurker, who never joined, got none of it: the first line after its join is new.
        await JoinAsync(lurker, "lurker");
        server.Tell(Lines("x : four\n", ActorRefs.Nobody));
        Assert.Equal("x : four", await lurker.ReadLineAsync());

        await ann.DisposeAsync();
        await ben.DisposeAsync();
    }

    [Fact]
    public async Task It_reports_its_joined_clients_to_the_stats_and_its_names_to_a_singleton_that_asks()
    {
        var (server, port) = StartServer(capacity: 10);
        await using var ann = await ConnectAsync(port);
        await using var ben = await ConnectAsync(port);
        var (_, annSession) = await JoinAsync(ann, "ann");
        Assert.Equal(new ServerOnline(server, 1, 1), await _stats.FishForMessageAsync<ServerOnline>(_ => true));

        // ben owns his name once the registry granted it, before his join is counted.
        await ben.SendAsync("ben joined the server\n");
        await _names.ExpectMsgAsync<ClaimName>();
        var benSession = _names.LastSender;
        _names.Reply(new NameClaimed("ben"));
        await _stats.FishForMessageAsync<RecordJoin>(_ => true);

        var singleton = CreateTestProbe();
        await AwaitAssertAsync(async () =>
        {
            server.Tell(new ReportServerStatus(singleton));
            var status = await singleton.ExpectMsgAsync<ServerStatus>();
            Assert.Equal(new RegisterServer(0, "Server-1", "127.0.0.1", port, 10, server), status.Registration);
            Assert.Equal(2, status.Connected);
            Assert.Equal(new ServerOnline(server, 1, 1), status.Online);
            Assert.Equal(
                [new HeldName("ann", annSession), new HeldName("ben", benSession)],
                status.Names.OrderBy(held => held.Name));
        });

        // ann is no longer online as soon as she has left, even while her leave is still being journaled.
        await ann.SendAsync("stop\n");
        Assert.Equal(new ServerOnline(server, 0, 2), await _stats.FishForMessageAsync<ServerOnline>(_ => true));
    }

    [Fact]
    public async Task Told_to_stop_serving_it_leaves_the_balancer_ends_every_session_and_stops_after_the_last_leave_is_journaled()
    {
        var (server, port) = StartServer(capacity: 10);
        var (ann, _) = await JoinAsync(await ConnectAsync(port), "ann");
        Watch(server);

        server.Tell(StopServing.Instance);
        await _balancer.FishForMessageAsync<WithdrawServer>(_ => true);
        var leave = await _stats.FishForMessageAsync<RecordLeave>(_ => true);
        Assert.Equal(("ann", (double?)null), (leave.User, leave.Rating));
        await Assert.ThrowsAsync<TimeoutException>(() => ann.ReadToEndAsync().WaitAsync(TimeSpan.FromMilliseconds(200)));
        await Assert.ThrowsAnyAsync<SocketException>(() => ChatClient.ConnectAsync(port));

        _stats.Reply(Counted.Instance);
        await ExpectTerminatedAsync(server);
        Assert.Equal(string.Empty, await ann.ReadToEndAsync());
    }

    [Fact]
    public async Task Its_sessions_get_the_mailbox_of_the_configuration_that_holds_no_queue_while_idle()
    {
        var (_, port) = StartServer(capacity: 5);
        await using var client = await ConnectAsync(port);
        var (_, session) = await JoinAsync(client, "ann");

        var cell = (ActorCell)((ActorRefWithCell)session).Underlying;
        Assert.IsType<SessionMessageQueue>(cell.Mailbox!.MessageQueue);
    }
}
