using System.Text;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.TestKit;
using ChatActors.Names;
using ChatActors.Net;
using ChatActors.Server;
using ChatActors.Session;
using ChatActors.Stats;
using ChatActors.Tests.Support;

namespace ChatActors.Tests.Unit;

public class ClientSessionSpecs : Akka.TestKit.Xunit2.TestKit
{
    /// <summary>Flood control that no spec meets unless it means to.</summary>
    public static readonly InputLimits Unlimited = new(1e9, int.MaxValue, 1e9, int.MaxValue, TimeSpan.FromDays(1));

    private static readonly SessionSettings Settings =
        new("Server-2", 64, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30), new CountWaits(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30)), TimeSpan.FromSeconds(30), Unlimited);
    private static readonly DateTime JoinedAt = new(2026, 11, 24, 15, 4, 5);
    private const long JoinSequenceNr = 17;
    private readonly TestProbe _names;
    private readonly TestProbe _stats;
    private readonly TestProbe _topic;
    private readonly TestProbe _server;

    public ClientSessionSpecs()
    {
        _names = CreateTestProbe();
        _stats = CreateTestProbe();
        _topic = CreateTestProbe();
        _server = CreateTestProbe();
    }

    private readonly Dictionary<IActorRef, ClientConnection> _connections = [];

    private async Task<(IActorRef Session, ChatClient Client)> ConnectAsync(SessionSettings? settings = null)
    {
        var (serverSide, client) = await LoopbackPair.CreateAsync();
        var connection = new ClientConnection(serverSide, OutboundLimits.Default);
        var session = _server.ChildActorOf(ClientSession.Props(connection, settings ?? Settings, new ChatServices(_names, _stats, _topic, ActorRefs.Nobody, TimeProvider.System)));
        _connections[session] = connection;
        Assert.Equal("Server-2", await client.ReadLineAsync());
        return (session, client);
    }

    private async Task<(IActorRef Session, ChatClient Client)> JoinAsync(string name, string joinMessage, SessionSettings? settings = null)
    {
        var (session, client) = await ConnectAsync(settings);
        await client.SendAsync(joinMessage);
        Assert.Equal(new ClaimName(name), await _names.ExpectMsgAsync<ClaimName>());
        _names.Reply(new NameClaimed(name));
        Assert.Equal(name, (await ExpectCountRequestAsync<RecordJoin>()).User);
        Assert.Equal(new SessionNamed(name), await _server.ExpectMsgAsync<SessionNamed>());
        _stats.Reply(new JoinRecorded(name, JoinedAt, JoinSequenceNr));
        Assert.Equal($"{name} joined the server", await client.ReadLineAsync());
        Assert.Equal(new SessionJoined(name), await _server.ExpectMsgAsync<SessionJoined>());
        Assert.Equal($"{name} joined the server\n", await ExpectPublishedAsync());
        return (session, client);
    }

    /// <summary>A request to the stats actor, with a deadline that lets it be accepted now and not much later.</summary>
    private async Task<T> ExpectCountRequestAsync<T>()
        where T : ICountRequest
    {
        var request = await _stats.ExpectMsgAsync<T>();
        Assert.InRange(request.AcceptBeforeUtc - DateTime.UtcNow, TimeSpan.Zero, Settings.Counting.AcceptWithin);
        return request;
    }

    /// <summary>Expects the leave of the client joined as <paramref name="name"/>, refers to its join, and has it counted.</summary>
    private async Task ExpectLeaveCountedAsync(string name, double? rating)
    {
        var leave = await ExpectCountRequestAsync<RecordLeave>();
        Assert.Equal((name, JoinedAt, JoinSequenceNr, rating), (leave.User, leave.JoinedAt, leave.JoinSequenceNr, leave.Rating));
        _stats.Reply(Counted.Instance);
    }

    private async Task<string> ExpectPublishedAsync()
    {
        var publish = await _topic.ExpectMsgAsync<Publish>();
        Assert.Equal(ChatTopic.Name, publish.Topic);
        var lines = Assert.IsType<ChatLines>(publish.Message);
        Assert.False(lines.Excluded.IsNobody(), "the sender gets its own lines straight, not from the topic");
        return Encoding.UTF8.GetString(lines.Bytes);
    }

    /// <summary>Waits for the session to stop, then closes its connection as its server would.</summary>
    private async Task ExpectEndedAsync(IActorRef session)
    {
        await ExpectTerminatedAsync(session);
        _connections[session].Close(Settings.CloseDrainTimeout);
    }

    [Fact]
    public async Task A_join_claims_the_name_records_it_and_then_broadcasts_it()
    {
        await JoinAsync("alice", "alice joined the server\n");
    }

    [Fact]
    public async Task Anything_but_a_join_first_is_refused_and_the_client_may_try_again()
    {
        var (_, client) = await ConnectAsync();
        await client.SendAsync("hello\nbad name joined the server\n\n");
        var joinFirst = "ERROR join first: send \"NAME joined the server\"";
        Assert.Equal([joinFirst, joinFirst, joinFirst], [await client.ReadLineAsync(), await client.ReadLineAsync(), await client.ReadLineAsync()]);
        await _names.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));

        await client.SendAsync("carol joined the server\n");
        Assert.Equal(new ClaimName("carol"), await _names.ExpectMsgAsync<ClaimName>());
    }

    [Fact]
    public async Task A_name_in_use_is_refused_and_the_client_may_choose_another()
    {
        var (_, client) = await ConnectAsync();
        await client.SendAsync("alice joined the server\n");
        await _names.ExpectMsgAsync<ClaimName>();
        _names.Reply(new NameInUse("alice"));
        Assert.Equal("ERROR name in use: alice", await client.ReadLineAsync());
        await _stats.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));

        await client.SendAsync("alice2 joined the server\n");
        Assert.Equal(new ClaimName("alice2"), await _names.ExpectMsgAsync<ClaimName>());
    }

    /// <summary>Sends a join whose name is claimed; the stats actor gets it and the spec decides its fate.</summary>
    private async Task<(IActorRef Session, ChatClient Client)> PendingJoinAsync(SessionSettings settings)
    {
        var (session, client) = await ConnectAsync(settings);
        await client.SendAsync("alice joined the server\nalice : hello\n");
        await _names.ExpectMsgAsync<ClaimName>();
        _names.Reply(new NameClaimed("alice"));
        await _stats.ExpectMsgAsync<RecordJoin>();
        return (session, client);
    }

    /// <summary>The client is told its join failed, its name is free, nothing it sent was broadcast, and it may join again.</summary>
    private async Task ExpectJoinFailedAsync(ChatClient client)
    {
        Assert.Equal("ERROR join failed, try again", await client.ReadLineAsync());
        Assert.Equal(new ReleaseName("alice"), await _names.ExpectMsgAsync<ReleaseName>());
        await _topic.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
        await client.SendAsync("alice joined the server\n");
        Assert.Equal(new ClaimName("alice"), await _names.ExpectMsgAsync<ClaimName>());
    }

    [Fact]
    public async Task A_join_the_stats_actor_refuses_fails_and_the_client_may_try_again()
    {
        var (_, client) = await PendingJoinAsync(Settings);
        _stats.Reply(CountRefused.Instance);
        await ExpectJoinFailedAsync(client);
    }

    [Fact]
    public async Task A_join_that_may_have_been_lost_with_the_stats_actors_node_closes_without_an_answer_and_frees_the_name()
    {
        var (session, client) = await PendingJoinAsync(Settings);
        Watch(session);
        _stats.Reply(CountUncertain.Instance);

        Assert.Equal(new ReleaseName("alice"), await _names.ExpectMsgAsync<ReleaseName>());
        await ExpectEndedAsync(session);
        Assert.Equal(string.Empty, await client.ReadToEndAsync());
        await _topic.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task A_join_the_stats_actor_never_answers_fails_once_it_can_no_longer_be_counted()
    {
        var answerWithin = TimeSpan.FromMilliseconds(400);
        var (_, client) = await PendingJoinAsync(Settings with { Counting = new CountWaits(TimeSpan.FromMilliseconds(100), answerWithin) });
        var readLine = client.ReadLineAsync();
        // Told any earlier, the client might see its join fail and then counted after all.
        await Assert.ThrowsAsync<TimeoutException>(() => readLine.WaitAsync(answerWithin / 2));
        Assert.Equal("ERROR join failed, try again", await readLine);
        Assert.Equal(new ReleaseName("alice"), await _names.ExpectMsgAsync<ReleaseName>());
    }

    [Fact]
    public async Task A_join_waits_for_a_slow_journal_past_the_name_registrys_timeout()
    {
        var (_, client) = await PendingJoinAsync(Settings with { JoinTimeout = TimeSpan.FromMilliseconds(100) });
        await _topic.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(400));
        _stats.Reply(new JoinRecorded("alice", JoinedAt, JoinSequenceNr));
        Assert.Equal("alice joined the server\n", await ExpectPublishedAsync());
        Assert.Equal("alice : hello\n", await ExpectPublishedAsync());
    }

    [Fact]
    public async Task Messages_sent_while_the_join_is_pending_are_handled_after_it_in_order()
    {
        var (_, client) = await ConnectAsync();
        await client.SendAsync("alice joined the server\nalice : first\nsecond\n");
        await _names.ExpectMsgAsync<ClaimName>();
        _names.Reply(new NameClaimed("alice"));
        await _stats.ExpectMsgAsync<RecordJoin>();
        _stats.Reply(new JoinRecorded("alice", JoinedAt, JoinSequenceNr));

        Assert.Equal("alice joined the server\n", await ExpectPublishedAsync());
        Assert.Equal("alice : first\nalice : second\n", await ExpectPublishedAsync());
    }

    [Fact]
    public async Task Nobody_can_speak_as_someone_else()
    {
        var (_, client) = await JoinAsync("alice", "alice joined the server\n");
        await client.SendAsync("bob : I am bob\n");
        Assert.Equal("alice : I am bob\n", await ExpectPublishedAsync());
        await client.SendAsync("alice : really me\n");
        Assert.Equal("alice : really me\n", await ExpectPublishedAsync());
    }

    [Fact]
    public async Task The_sender_gets_its_own_lines_once_even_when_its_leave_follows_them_in_the_same_read()
    {
        var (session, client) = await JoinAsync("alice", "alice joined the server\n");
        Watch(session);
        await client.SendAsync("hello\nalice : again\nstop 3\n");
        Assert.Equal("alice : hello\nalice : again\n", await ExpectPublishedAsync());
        await ExpectLeaveCountedAsync("alice", 3);
        await ExpectEndedAsync(session);
        Assert.Equal("alice : hello\nalice : again\n", await client.ReadToEndAsync());
    }

    [Fact]
    public async Task A_read_of_lines_already_as_everyone_gets_them_reaches_the_sender_too()
    {
        var (_, client) = await JoinAsync("alice", "alice joined the server\n");
        await client.SendAsync("alice : one\nalice : two\n");
        Assert.Equal("alice : one\nalice : two\n", await ExpectPublishedAsync());
        Assert.Equal(["alice : one", "alice : two"], [await client.ReadLineAsync(), await client.ReadLineAsync()]);
    }

    [Fact]
    public async Task A_chat_line_containing_stop_is_chat()
    {
        var (_, client) = await JoinAsync("alice", "alice joined the server\n");
        await client.SendAsync("alice : please stop that\n");
        Assert.Equal("alice : please stop that\n", await ExpectPublishedAsync());
        await _stats.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Stop_leaves_unrated_tells_everyone_else_and_closes_once_the_leave_is_journaled()
    {
        var (session, client) = await JoinAsync("alice", "alice joined the server\n");
        Watch(session);
        await client.SendAsync("stop\n");
        Assert.Equal("alice exited the server\n", await ExpectPublishedAsync());
        Assert.Equal(SessionLeft.Instance, await _server.ExpectMsgAsync<SessionLeft>());
        Assert.Equal(new ReleaseName("alice"), await _names.ExpectMsgAsync<ReleaseName>());
        var leave = await ExpectCountRequestAsync<RecordLeave>();
        Assert.Null(leave.Rating);

        // Until the stats actor has journaled the leave, the session (and so the connection) stays.
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
        _stats.Reply(Counted.Instance);
        await ExpectEndedAsync(session);
        Assert.Equal(string.Empty, await client.ReadToEndAsync());
    }

    [Fact]
    public async Task Stop_with_a_decimal_rating_records_it_for_the_sessions_own_join()
    {
        var (_, client) = await JoinAsync("alice", "alice joined the server\n");
        await client.SendAsync("stop 4.5\n");
        await ExpectLeaveCountedAsync("alice", 4.5);
    }

    [Fact]
    public async Task A_leave_that_cannot_be_counted_still_closes_the_connection()
    {
        var (session, client) = await JoinAsync("alice", "alice joined the server\n");
        Watch(session);
        await client.SendAsync("stop 4\n");
        await _stats.ExpectMsgAsync<RecordLeave>();
        _stats.Reply(CountRefused.Instance);
        await ExpectEndedAsync(session);
    }

    [Fact]
    public async Task Stop_with_an_invalid_rating_explains_and_leaves_unrated()
    {
        var (session, client) = await JoinAsync("alice", "alice joined the server\n");
        Watch(session);
        await client.SendAsync("stop 9\n");
        await ExpectLeaveCountedAsync("alice", null);
        await ExpectEndedAsync(session);
        Assert.Equal("ERROR rating must be a number from 1 to 5\n", await client.ReadToEndAsync());
    }

    [Fact]
    public async Task A_server_that_stops_ends_a_joined_session_with_an_unrated_leave()
    {
        var (session, _) = await JoinAsync("alice", "alice joined the server\n");
        Watch(session);
        session.Tell(EndSession.Instance);
        Assert.Equal("alice exited the server\n", await ExpectPublishedAsync());
        await ExpectLeaveCountedAsync("alice", null);
        await ExpectTerminatedAsync(session);
    }

    [Fact]
    public async Task A_line_too_long_is_refused_and_the_session_stays_open()
    {
        var (_, client) = await JoinAsync("alice", "alice joined the server\n");
        await client.SendAsync(new string('x', 200) + "\nalice : still here\n");
        Assert.Equal("ERROR line too long", await client.ReadLineAsync());
        Assert.Equal("alice : still here\n", await ExpectPublishedAsync());
    }

    [Fact]
    public async Task A_legacy_client_joins_and_chats_with_unterminated_writes()
    {
        var (_, client) = await JoinAsync("bob", "bob joined the server");
        await client.SendAsync("bob : hi");
        Assert.Equal("bob : hi\n", await ExpectPublishedAsync());
        await client.SendAsync("stop 3");
        await ExpectLeaveCountedAsync("bob", 3);
    }

    [Fact]
    public async Task A_client_that_disconnects_without_stop_leaves_unrated()
    {
        var (session, client) = await JoinAsync("alice", "alice joined the server\n");
        Watch(session);
        await client.DisposeAsync();
        Assert.Equal("alice exited the server\n", await ExpectPublishedAsync());
        await ExpectLeaveCountedAsync("alice", null);
        await ExpectTerminatedAsync(session);
    }

    [Fact]
    public async Task A_connection_that_does_not_join_in_time_is_told_so_and_closed()
    {
        var (session, client) = await ConnectAsync(Settings with { UnjoinedTimeout = TimeSpan.FromMilliseconds(300) });
        Watch(session);
        await client.SendAsync("hello\n");
        Assert.StartsWith("ERROR join first", await client.ReadLineAsync());

        await ExpectEndedAsync(session);
        Assert.Equal("ERROR no join within 0.3 s, closing\n", await client.ReadToEndAsync());
    }

    [Fact]
    public async Task A_connection_that_joins_just_in_time_stays()
    {
        var (session, client) = await ConnectAsync(Settings with { UnjoinedTimeout = TimeSpan.FromMilliseconds(500) });
        Watch(session);
        await client.SendAsync("alice joined the server\n");
        await _names.ExpectMsgAsync<ClaimName>();
        _names.Reply(new NameClaimed("alice"));
        await _stats.ExpectMsgAsync<RecordJoin>();
        _stats.Reply(new JoinRecorded("alice", JoinedAt, JoinSequenceNr));
        Assert.Equal("alice joined the server\n", await ExpectPublishedAsync());

        await ExpectNoMsgAsync(TimeSpan.FromSeconds(1));
        await client.SendAsync("alice : still here\n");
        Assert.Equal("alice : still here\n", await ExpectPublishedAsync());
    }

    [Fact]
    public async Task A_join_under_way_at_the_deadline_may_finish_but_a_failed_one_closes()
    {
        var (session, client) = await ConnectAsync(Settings with { UnjoinedTimeout = TimeSpan.FromMilliseconds(200) });
        Watch(session);
        await client.SendAsync("alice joined the server\n");
        await _names.ExpectMsgAsync<ClaimName>();
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(400));

        _names.Reply(new NameInUse("alice"));
        await ExpectEndedAsync(session);
        Assert.Equal("ERROR name in use: alice\nERROR no join within 0.2 s, closing\n", await client.ReadToEndAsync());
    }

    [Fact]
    public async Task A_burst_within_the_limits_is_read_at_once()
    {
        var (session, client) = await ConnectAsync(Settings with { Input = new InputLimits(1, 11, 1e9, int.MaxValue, TimeSpan.FromSeconds(1)) });
        await client.SendAsync("alice joined the server\n");
        await _names.ExpectMsgAsync<ClaimName>();
        _names.Reply(new NameClaimed("alice"));
        await _stats.ExpectMsgAsync<RecordJoin>();
        _stats.Reply(new JoinRecorded("alice", JoinedAt, JoinSequenceNr));
        await ExpectPublishedAsync();

        // The join and these ten lines are the burst of eleven: all of them at once.
        await client.SendAsync(string.Concat(Enumerable.Range(0, 10).Select(n => $"line {n}\n")));
        Assert.Equal(10, (await ExpectPublishedAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task A_sustained_flood_is_slowed_and_then_cut_off_with_an_error()
    {
        var (session, client) = await JoinAsync("alice", "alice joined the server\n", Settings with
        {
            Input = new InputLimits(20, 10, 1e9, int.MaxValue, TimeSpan.FromSeconds(1)),
        });
        Watch(session);
        using var flooding = new CancellationTokenSource();
        var flood = Task.Run(async () =>
        {
            for (var n = 0; !flooding.IsCancellationRequested; n++)
            {
                await client.SendAsync($"flood {n}\n");
                await Task.Delay(1);
            }
        });

        var published = 0;
        while (true)
        {
            var publish = await _topic.ExpectMsgAsync<Publish>(TimeSpan.FromSeconds(10));
            var lines = System.Text.Encoding.UTF8.GetString(((ChatLines)publish.Message).Bytes);
            if (lines == "alice exited the server\n")
            {
                break;
            }

            published += lines.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        }

        await flooding.CancelAsync();
        await ExpectLeaveCountedAsync("alice", null);
        await ExpectEndedAsync(session);
        Assert.Contains("ERROR flooding", await client.ReadToEndAsync());
        // The burst, then about 20 lines a second for the second before the cut-off: far from all that was sent.
        Assert.InRange(published, 10, 60);
        await flood.ContinueWith(_ => { }); // stopped, or cut off mid-send
    }

    [Fact]
    public async Task A_client_that_disconnects_before_joining_just_ends()
    {
        var (session, client) = await ConnectAsync();
        Watch(session);
        await client.DisposeAsync();
        await ExpectTerminatedAsync(session);
        await _topic.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
    }
}
