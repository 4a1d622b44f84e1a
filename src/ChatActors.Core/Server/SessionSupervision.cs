using Akka.Actor;

namespace ChatActors.Server;

/// <summary>
/// Akka's default supervision for a server's sessions, and the server told when one of them
/// has stopped. A parent hears of its children's ends without watching them, and a session
/// watched by its server as well as by the name registry would make Akka keep a full watch
/// state (two dictionaries and a set, about 400 bytes) for each of thousands of idle clients
/// (docs/BENCHMARKS.md, idle memory).
/// </summary>
public sealed class SessionSupervision() : OneForOneStrategy(DefaultDecider)
{
    public static readonly SessionSupervision Instance = new();

    public override void HandleChildTerminated(IActorContext actorContext, IActorRef child, IEnumerable<IInternalActorRef> children) =>
        actorContext.Self.Tell(new SessionStopped(child), ActorRefs.NoSender);
}

/// <summary>One of the server's sessions has stopped; told by <see cref="SessionSupervision"/>, after everything the session sent.</summary>
public sealed record SessionStopped(IActorRef Session);
