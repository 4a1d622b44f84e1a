using Akka.Actor;
using ChatActors.Actors;
using ChatActors.Messages;

namespace ChatActors.Tests.Unit;

public class NameRegistrySpecs : Akka.TestKit.Xunit2.TestKit
{
    [Fact]
    public void A_name_belongs_to_one_session_until_it_releases_it()
    {
        var registry = Sys.ActorOf(NameRegistry.Props(CreateTestProbe(), TimeSpan.Zero));
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
    public void A_session_that_stops_frees_its_name()
    {
        var registry = Sys.ActorOf(NameRegistry.Props(CreateTestProbe(), TimeSpan.Zero));
        var alice = CreateTestProbe();
        registry.Tell(new ClaimName("alice"), alice);
        alice.ExpectMsg(new NameClaimed("alice"));

        Watch(alice);
        alice.Tell(PoisonPill.Instance);
        ExpectTerminated(alice);

        var next = CreateTestProbe();
        AwaitAssert(() =>
        {
            registry.Tell(new ClaimName("alice"), next);
            next.ExpectMsg(new NameClaimed("alice"), TimeSpan.FromMilliseconds(200));
        });
    }
}
