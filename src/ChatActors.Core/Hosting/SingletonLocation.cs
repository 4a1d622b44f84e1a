using Akka.Actor;

namespace ChatActors.Hosting;

/// <summary>Where a singleton runs, for its log line when it starts (which is how a move shows in the log).</summary>
public static class SingletonLocation
{
    public static string Of(ActorSystem system) => ((ExtendedActorSystem)system).Provider.DefaultAddress.ToString();

    /// <summary>The node an actor lives on, as cluster events name it (a local reference carries no host).</summary>
    public static Address NodeOf(IActorRef actor, ActorSystem system) =>
        actor.Path.Address.HasLocalScope ? ((ExtendedActorSystem)system).Provider.DefaultAddress : actor.Path.Address;
}
