using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.TestKit;
using ChatActors.Balancer;
using ChatActors.Names;
using ChatActors.Server;
using ChatActors.Stats;

namespace ChatActors.Tests.Unit;

public class NameRegistrySpecs : Akka.TestKit.Xunit2.TestKit
{
    /// <summary>A registry past its relearn window, a probe for its chat topic, and a session that owns "alice".</summary>
    private (IActorRef Registry, TestProbe ChatTopic, TestProbe Alice) StartWithAlice()
    {
        var chatTopic = CreateTestProbe();
        var registry = Sys.ActorOf(NameRegistry.Props(chatTopic, TimeSpan.Zero, TimeSpan.Zero));
        chatTopic.ExpectMsg<Publish>(publish => publish.Message is ReportServerStatus);
        var alice = CreateTestProbe();
        registry.Tell(new ClaimName("alice"), alice);
        alice.ExpectMsg(new NameClaimed("alice"));
        return (registry, chatTopic, alice);
    }

    [Fact]
    public void A_name_belongs_to_one_session_until_it_releases_it()
    {
        var registry = Sys.ActorOf(NameRegistry.Props(CreateTestProbe(), TimeSpan.Zero, TimeSpan.Zero));
        var alice = CreateTestProbe();
        var other = CreateTestProbe();

        registry.Tell(new ClaimName("alice"), alice);
        alice.ExpectMsg(new NameClaimed("alice"));
        registry.Tell(new ClaimName("alice"), other);
        other.ExpectMsg(new NameInUse("alice"));
        registry.Tell(new ClaimName("Alice"), other);
        other.ExpectMsg(new NameClaimed("Alice"));

        registry.Tell(new ReleaseName("alice"), other);
        registry.Tell(new ClaimName("alice"), other);
        other.ExpectMsg(new NameInUse("alice"));

        registry.Tell(new ReleaseName("alice"), alice);
        registry.Tell(new ClaimName("alice"), other);
        other.ExpectMsg(new NameClaimed("alice"));
    }

    [Fact]
    public void A_release_that_arrives_after_the_sessions_death_is_still_a_goodbye()
    {
        var (registry, chatTopic, alice) = StartWithAlice();

        Watch(alice);
        alice.Tell(PoisonPill.Instance);
        ExpectTerminated(alice);
        registry.Tell(new ReleaseName("alice"), alice);

        chatTopic.ExpectNoMsg(TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void A_session_that_stops_without_a_goodbye_frees_its_name_and_everyone_sees_it_exit()
    {
        var (registry, chatTopic, alice) = StartWithAlice();

        Watch(alice);
        alice.Tell(PoisonPill.Instance);
        ExpectTerminated(alice);

        var next = CreateTestProbe();
        AwaitAssert(() =>
        {
            registry.Tell(new ClaimName("alice"), next);
            next.ExpectMsg(new NameClaimed("alice"), TimeSpan.FromMilliseconds(200));
        });

        // It could not say goodbye (its node died, say), so the registry does.
        var exit = chatTopic.ExpectMsg<Publish>(TimeSpan.FromSeconds(5));
        Assert.Equal("alice exited the server\n", System.Text.Encoding.UTF8.GetString(((ChatLines)exit.Message).Bytes));
    }

    [Fact]
    public void A_registry_that_starts_relearns_the_names_the_servers_hold_before_it_answers()
    {
        var chatTopic = CreateTestProbe();
        var registry = Sys.ActorOf(NameRegistry.Props(chatTopic, TimeSpan.FromMilliseconds(300), TimeSpan.Zero));
        var report = chatTopic.ExpectMsg<Publish>(publish => publish.Message is ReportServerStatus);
        var replyTo = ((ReportServerStatus)report.Message).ReplyTo;

        // A claim that arrives first waits until the server has answered.
        var impostor = CreateTestProbe();
        registry.Tell(new ClaimName("alice"), impostor);
        var alice = CreateTestProbe();
        var server = CreateTestProbe();
        replyTo.Tell(new ServerStatus(new RegisterServer(0, "Server-1", "127.0.0.1", 5010, 10, server), 1, [new HeldName("alice", alice)], new ServerOnline(server, 1, 1)));

        impostor.ExpectMsg(new NameInUse("alice"));
        registry.Tell(new ClaimName("bob"), impostor);
        impostor.ExpectMsg(new NameClaimed("bob"));
    }
}
