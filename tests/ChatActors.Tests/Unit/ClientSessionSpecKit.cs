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

/// <summary>A session between probes for its server, the name registry, the stats actor and the chat topic, and a real client on a loopback socket.</summary>
public abstract class ClientSessionSpecKit : Akka.TestKit.Xunit2.TestKit
{
    /// <summary>Flood control that no spec meets unless it means to.</summary>
    public static readonly InputLimits Unlimited = new(1e9, int.MaxValue, 1e9, int.MaxValue, TimeSpan.FromDays(1));

    protected static readonly SessionSettings Settings =
        new("Server-2", 64, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30), new CountWaits(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30)), TimeSpan.FromSeconds(30), Unlimited);
    protected static readonly DateTime JoinedAt = new(2026, 11, 24, 15, 4, 5);
    protected const long JoinSequenceNr = 17;
    protected readonly TestProbe NamesProbe;
    protected readonly TestProbe StatsProbe;
    protected readonly TestProbe TopicProbe;
    protected readonly TestProbe ServerProbe;

    protected ClientSessionSpecKit()
    {
        NamesProbe = CreateTestProbe();
        StatsProbe = CreateTestProbe();
        TopicProbe = CreateTestProbe();
        ServerProbe = CreateTestProbe();
    }

    private readonly Dictionary<IActorRef, ClientConnection> _connections = [];

    protected async Task<(IActorRef Session, ChatClient Client)> ConnectAsync(SessionSettings? settings = null)
    {
        var (serverSide, client) = await LoopbackPair.CreateAsync();
        var connection = new ClientConnection(serverSide, OutboundLimits.Default);
        var session = ServerProbe.ChildActorOf(ClientSession.Props(connection, settings ?? Settings, new ChatServices(NamesProbe, StatsProbe, TopicProbe, ActorRefs.Nobody, TimeProvider.System, TestMetrics.Create()), Deploy.None));
        _connections[session] = connection;
        Assert.Equal("Server-2", await client.ReadLineAsync());
        return (session, client);
    }

    protected async Task<(IActorRef Session, ChatClient Client)> JoinAsync(string name, string joinMessage, SessionSettings? settings = null)
    {
        var (session, client) = await ConnectAsync(settings);
        await client.SendAsync(joinMessage);
        Assert.Equal(new ClaimName(name), await NamesProbe.ExpectMsgAsync<ClaimName>());
        NamesProbe.Reply(new NameClaimed(name));
        Assert.Equal(name, (await ExpectCountRequestAsync<RecordJoin>()).User);
        Assert.Equal(new SessionNamed(name), await ServerProbe.ExpectMsgAsync<SessionNamed>());
        StatsProbe.Reply(new JoinRecorded(name, JoinedAt, JoinSequenceNr));
        Assert.Equal($"{name} joined the server", await client.ReadLineAsync());
        Assert.Equal(new SessionJoined(name), await ServerProbe.ExpectMsgAsync<SessionJoined>());
        Assert.Equal($"{name} joined the server\n", await ExpectPublishedAsync());
        return (session, client);
    }

    /// <summary>A request to the stats actor, with a deadline that lets it be accepted now and not much later.</summary>
    protected async Task<T> ExpectCountRequestAsync<T>()
        where T : ICountRequest
    {
        var request = await StatsProbe.ExpectMsgAsync<T>();
        Assert.InRange(request.AcceptBeforeUtc - DateTime.UtcNow, TimeSpan.Zero, Settings.Counting.AcceptWithin);
        return request;
    }

    /// <summary>Expects the leave of the client joined as <paramref name="name"/>, refers to its join, and has it counted.</summary>
    protected async Task ExpectLeaveCountedAsync(string name, double? rating)
    {
        var leave = await ExpectCountRequestAsync<RecordLeave>();
        Assert.Equal((name, JoinedAt, JoinSequenceNr, rating), (leave.User, leave.JoinedAt, leave.JoinSequenceNr, leave.Rating));
        StatsProbe.Reply(Counted.Instance);
    }

    protected async Task<string> ExpectPublishedAsync()
    {
        var publish = await TopicProbe.ExpectMsgAsync<Publish>();
        Assert.Equal(ChatTopic.Name, publish.Topic);
        var lines = Assert.IsType<ChatLines>(publish.Message);
        Assert.False(lines.Excluded.IsNobody(), "the sender gets its own lines straight, not from the topic");
        return Encoding.UTF8.GetString(lines.Bytes);
    }

    /// <summary>Waits for the session to stop, then closes its connection as its server would.</summary>
    protected async Task ExpectEndedAsync(IActorRef session)
    {
        await ExpectTerminatedAsync(session);
        _connections[session].Close(Settings.CloseDrainTimeout);
    }
}
