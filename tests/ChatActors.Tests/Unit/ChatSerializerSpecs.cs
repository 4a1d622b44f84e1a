using Akka.Actor;
using Akka.Configuration;
using ChatActors.Balancer;
using ChatActors.Hosting;
using ChatActors.Live;
using ChatActors.Names;
using ChatActors.Serialization;
using ChatActors.Server;
using ChatActors.Stats;
using ChatActors.Stats.Storage;

namespace ChatActors.Tests.Unit;

/// <summary>Every message that may cross nodes, every journal event and the snapshot go through the ChatSerializer and come back equal.</summary>
public class ChatSerializerSpecs : Akka.TestKit.Xunit2.TestKit
{
    private static readonly DateTime At = new(2026, 11, 24, 15, 4, 5);

    public ChatSerializerSpecs()
        : base(ConfigurationFactory.ParseString("akka.actor.provider = local").WithFallback(ChatConfig.LoadBase()))
    {
    }

    private IEnumerable<object> Samples()
    {
        var actor = CreateTestProbe().Ref;
        var registration = new RegisterServer(2, "Server-3", "127.0.0.1", 5012, 100, actor);
        var state = new StatsState(new DateOnly(2026, 11, 24), 3, 40, 57, 2, 12.5, 3);
        return
        [
            new ChatLines("ann : héllo\nann : again\n"u8.ToArray(), actor),
            new ChatLines([1, 2, 3], ActorRefs.Nobody),
            new TopicProbe(actor, "akka.tcp://ChatActors@127.0.0.1:5001"),
            new ReportServerStatus(actor),
            new ServerStatus(registration, 4, [new HeldName("ann", actor), new HeldName("ben", actor)], new ServerOnline(actor, 2, 7)),
            registration,
            new ServerLoad(2, 17),
            AssignServer.Unlimited,
            new AssignServer("203.0.113.7"),
            new ServerAssigned("127.0.0.1", 5011),
            NoServerAvailable.Instance,
            WithdrawServer.Instance,
            AwaitServersServing.Instance,
            ServersServing.Instance,
            new AllocateServerIndices(2),
            new ServerShown(actor, "Server-2", "127.0.0.1:5001", 5011, 100, 7, "ann", 12),
            new ServerShown(actor, "Server-3", "127.0.0.1:5002", 5012, 100, 0, null, 0),
            new LiveEvent(At, "ann joined Server-2"),
            new ShowLiveView(actor),
            new ServerIndicesAllocated(5),
            new ClaimName("ann"),
            new NameClaimed("ann"),
            new NameInUse("ann"),
            new ReleaseName("ann"),
            new CountApproach(true, At),
            new CountApproach(false, At),
            new CountLostClient(At),
            new CountRefusedConnections(2990, true, At),
            new RecordJoin("ann", At),
            new JoinRecorded("ann", At, 41),
            new RecordLeave("ann", At, 41, 4.5, At.AddSeconds(10)),
            new RecordLeave("ann", At, 41, null, At.AddSeconds(10)),
            Counted.Instance,
            CountRefused.Instance,
            new ServerOnline(actor, 3, 12),
            GetStats.Instance,
            new StatsSnapshot("24 Nov 26", 3, 40, 57, 2, 4.17, 9),
            FlushStats.Instance,
            new StatsEventRecorded(12, new ClientLeft("ann", At, 9, At.AddMinutes(5), 4)),
            new ServerTotalsChanged(new ServerRow("24 Nov 26", 4.17, 3, 40, 57, 2)),
            new FlushStorage(actor),
            StorageFlushed.Instance,
            FlushAndStop.Instance,
            new AwaitProjectedThrough(1000),
            new ProjectedThrough(1000),
            new ClientApproached(At),
            new ClientLost(At),
            new ConnectionsRefused(2990, true, At),
            new ClientJoined("ann", At),
            new ClientLeft("ann", At, 9, At.AddMinutes(5), null),
            new StatsResumed(state, At),
            state,
        ];
    }

    [Fact]
    public void Every_message_round_trips_through_the_chat_serializer()
    {
        foreach (var message in Samples())
        {
            var serializer = Sys.Serialization.FindSerializerFor(message);
            Assert.IsType<ChatSerializer>(serializer);
            var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
            var back = Sys.Serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier, manifest);
            Assert.Equal(Comparable(message), Comparable(back));
        }
    }

    [Fact]
    public void Every_message_type_that_may_cross_nodes_has_a_sample_here()
    {
        var covered = Samples().Select(sample => sample.GetType()).ToHashSet();
        var crossing = typeof(IChatMessage).Assembly.GetTypes()
            .Where(type => type is { IsClass: true, IsAbstract: false } && (typeof(IChatMessage).IsAssignableFrom(type) || typeof(IStatsEvent).IsAssignableFrom(type)));
        Assert.All(crossing, type => Assert.Contains(type, covered));
    }

    [Fact]
    public void A_broadcast_travels_as_its_own_bytes()
    {
        var payload = "ann : hello\n"u8.ToArray();
        var message = new ChatLines(payload, ActorRefs.Nobody);
        var bytes = Sys.Serialization.FindSerializerFor(message).ToBinary(message);
        Assert.True(bytes.Length <= payload.Length + 2, $"{bytes.Length} bytes for a {payload.Length}-byte broadcast");
        Assert.Contains(Convert.ToHexString(payload), Convert.ToHexString(bytes), StringComparison.Ordinal);
    }

    /// <summary>Records compare by value, except their byte arrays and lists, which are compared as text here.</summary>
    private static string Comparable(object message) => message switch
    {
        ChatLines lines => $"{Convert.ToHexString(lines.Bytes)} {lines.Excluded}",
        ServerStatus status => $"{status with { Names = [] }} {string.Join(",", status.Names)}",
        _ => message.ToString()!,
    };
}
