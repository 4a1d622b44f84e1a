using System.Text;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.TestKit;
using ChatActors.Actors;
using ChatActors.Messages;
using ChatActors.Net;
using ChatActors.Tests.Support;

namespace ChatActors.Tests.Unit;

public class ClientSessionSpecs : Akka.TestKit.Xunit2.TestKit
{
    private static readonly SessionSettings Settings = new("Server-2", 64, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30));
    private static readonly DateTime JoinedAt = new(2026, 11, 24, 15, 4, 5);
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

    private readonly Dictionary<IActorRef, ConnectionWriter> _writers = [];

    private async Task<(IActorRef Session, ChatClient Client)> ConnectAsync(SessionSettings? settings = null)
    {
        var (serverSide, client) = await LoopbackPair.CreateAsync();
        var writer = new ConnectionWriter(serverSide, OutboundLimits.Default);
        var session = _server.ChildActorOf(ClientSession.Props(serverSide, writer, settings ?? Settings, new ChatServices(_names, _stats, _topic)));
        _writers[session] = writer;
        Assert.Equal("Server-2", await client.ReadLineAsync());
        return (session, client);
    }

    private async Task<(IActorRef Session, ChatClient Client)> JoinAsync(string name, string joinMessage)
    {
        var (session, client) = await ConnectAsync();
        await client.SendAsync(joinMessage);
        Assert.Equal(new ClaimName(name), await _names.ExpectMsgAsync<ClaimName>());
        _names.Reply(new NameClaimed(name));
        Assert.Equal(new RecordJoin(name), await _stats.ExpectMsgAsync<RecordJoin>());
        Assert.Equal(new SessionNamed(name), await _server.ExpectMsgAsync<SessionNamed>());
        _stats.Reply(new JoinRecorded(name, JoinedAt));
        Assert.Equal(new SessionJoined(name), await _server.ExpectMsgAsync<SessionJoined>());
        Assert.Equal($"{name} joined the server\n", await ExpectPublishedAsync(toEveryone: true));
        return (session, client);
    }

    private async Task<string> ExpectPublishedAsync(bool toEveryone)
    {
        var publish = await _topic.ExpectMsgAsync<Publish>();
        Assert.Equal(ChatTopic.Name, publish.Topic);
        var lines = Assert.IsType<ChatLines>(publish.Message);
        Assert.Equal(toEveryone, lines.Excluded.IsNobody());
        return Encoding.UTF8.GetString(lines.Bytes);
    }

    /// <summary>Waits for the session to stop, then closes its connection as its server would.</summary>
    private async Task ExpectEndedAsync(IActorRef session)
    {
        await ExpectTerminatedAsync(session);
        _writers[session].Close(Settings.CloseDrainTimeout);
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

    /// <summary>Sends a join whose name is claimed but which the stats journal never answers; it fails with an error.</summary>
    private async Task<(IActorRef Session, ChatClient Client)> JoinThatTimesOutAsync()
    {
        var (session, client) = await ConnectAsync(Settings with { JoinTimeout = TimeSpan.FromMilliseconds(300) });
        await client.SendAsync("alice joined the server\n");
        await _names.ExpectMsgAsync<ClaimName>();
        _names.Reply(new NameClaimed("alice"));
        await _stats.ExpectMsgAsync<RecordJoin>();

        Assert.Equal("ERROR join failed, try again", await client.ReadLineAsync());
        Assert.Equal(new ReleaseName("alice"), await _names.ExpectMsgAsync<ReleaseName>());
        return (session, client);
    }

    [Fact]
    public async Task A_join_the_stats_journal_does_not_answer_fails_and_the_client_may_try_again()
    {
        var (_, client) = await JoinThatTimesOutAsync();
        await _topic.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));

        // The answer that comes too late is undone, so the client is not counted online.
        var late = new JoinRecorded("alice", JoinedAt);
        _stats.Reply(late);
        Assert.Equal(new RecordLeave("alice", JoinedAt, null), await _stats.ExpectMsgAsync<RecordLeave>());

        await client.SendAsync("alice joined the server\n");
        Assert.Equal(new ClaimName("alice"), await _names.ExpectMsgAsync<ClaimName>());
    }

    [Fact]
    public async Task An_answer_to_a_timed_out_join_that_arrives_after_a_new_join_is_undone()
    {
        var (session, client) = await JoinThatTimesOutAsync();
        await client.SendAsync("alice joined the server\n");
        await _names.ExpectMsgAsync<ClaimName>();
        _names.Reply(new NameClaimed("alice"));
        await _stats.ExpectMsgAsync<RecordJoin>();
        var current = new JoinRecorded("alice", JoinedAt.AddSeconds(11));
        _stats.Reply(current);
        Assert.Equal("alice joined the server\n", await ExpectPublishedAsync(toEveryone: true));

        var stale = new JoinRecorded("alice", JoinedAt);
        session.Tell(stale, _stats.Ref);
        Assert.Equal(new RecordLeave("alice", JoinedAt, null), await _stats.ExpectMsgAsync<RecordLeave>());
        await client.SendAsync("alice : still joined\n");
        Assert.Equal("alice : still joined\n", await ExpectPublishedAsync(toEveryone: true));
    }

    [Fact]
    public async Task Messages_sent_while_the_join_is_pending_are_handled_after_it_in_order()
    {
        var (_, client) = await ConnectAsync();
        await client.SendAsync("alice joined the server\nalice : first\nsecond\n");
        await _names.ExpectMsgAsync<ClaimName>();
        _names.Reply(new NameClaimed("alice"));
        await _stats.ExpectMsgAsync<RecordJoin>();
        _stats.Reply(new JoinRecorded("alice", JoinedAt));

        Assert.Equal("alice joined the server\n", await ExpectPublishedAsync(toEveryone: true));
        Assert.Equal("alice : first\nalice : second\n", await ExpectPublishedAsync(toEveryone: true));
    }

    [Fact]
    public async Task Nobody_can_speak_as_someone_else()
    {
        var (_, client) = await JoinAsync("alice", "alice joined the server\n");
        await client.SendAsync("bob : I am bob\n");
        Assert.Equal("alice : I am bob\n", await ExpectPublishedAsync(toEveryone: true));
        await client.SendAsync("alice : really me\n");
        Assert.Equal("alice : really me\n", await ExpectPublishedAsync(toEveryone: true));
    }

    [Fact]
    public async Task A_chat_line_containing_stop_is_chat()
    {
        var (_, client) = await JoinAsync("alice", "alice joined the server\n");
        await client.SendAsync("alice : please stop that\n");
        Assert.Equal("alice : please stop that\n", await ExpectPublishedAsync(toEveryone: true));
        await _stats.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Stop_leaves_unrated_tells_everyone_else_and_closes()
    {
        var (session, client) = await JoinAsync("alice", "alice joined the server\n");
        Watch(session);
        await client.SendAsync("stop\n");
        Assert.Equal("alice exited the server\n", await ExpectPublishedAsync(toEveryone: false));
        Assert.Equal(new RecordLeave("alice", JoinedAt, null), await _stats.ExpectMsgAsync<RecordLeave>());
        Assert.Equal(new ReleaseName("alice"), await _names.ExpectMsgAsync<ReleaseName>());
        await ExpectEndedAsync(session);
        Assert.Equal(string.Empty, await client.ReadToEndAsync());
    }

    [Fact]
    public async Task Stop_with_a_decimal_rating_records_it()
    {
        var (_, client) = await JoinAsync("alice", "alice joined the server\n");
        await client.SendAsync("stop 4.5\n");
        Assert.Equal(new RecordLeave("alice", JoinedAt, 4.5), await _stats.ExpectMsgAsync<RecordLeave>());
    }

    [Fact]
    public async Task Stop_with_an_invalid_rating_explains_and_leaves_unrated()
    {
        var (session, client) = await JoinAsync("alice", "alice joined the server\n");
        Watch(session);
        await client.SendAsync("stop 9\n");
        Assert.Equal(new RecordLeave("alice", JoinedAt, null), await _stats.ExpectMsgAsync<RecordLeave>());
        await ExpectEndedAsync(session);
        Assert.Equal("ERROR rating must be a number from 1 to 5\n", await client.ReadToEndAsync());
    }

    [Fact]
    public async Task A_line_too_long_is_refused_and_the_session_stays_open()
    {
        var (_, client) = await JoinAsync("alice", "alice joined the server\n");
        await client.SendAsync(new string('x', 200) + "\nalice : still here\n");
        Assert.Equal("ERROR line too long", await client.ReadLineAsync());
        Assert.Equal("alice : still here\n", await ExpectPublishedAsync(toEveryone: true));
    }

    [Fact]
    public async Task A_legacy_client_joins_and_chats_with_unterminated_writes()
    {
        var (_, client) = await JoinAsync("bob", "bob joined the server");
        await client.SendAsync("bob : hi");
        Assert.Equal("bob : hi\n", await ExpectPublishedAsync(toEveryone: true));
        await client.SendAsync("stop 3");
        Assert.Equal(new RecordLeave("bob", JoinedAt, 3), await _stats.ExpectMsgAsync<RecordLeave>());
    }

    [Fact]
    public async Task A_client_that_disconnects_without_stop_leaves_unrated()
    {
        var (session, client) = await JoinAsync("alice", "alice joined the server\n");
        Watch(session);
        await client.DisposeAsync();
        Assert.Equal("alice exited the server\n", await ExpectPublishedAsync(toEveryone: false));
        Assert.Equal(new RecordLeave("alice", JoinedAt, null), await _stats.ExpectMsgAsync<RecordLeave>());
        await ExpectTerminatedAsync(session);
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
