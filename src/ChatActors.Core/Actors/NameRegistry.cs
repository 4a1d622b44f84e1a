using Akka.Actor;
using ChatActors.Messages;

namespace ChatActors.Actors;

/// <summary>Owns the names of the clients online, so that no two sessions share one.</summary>
public sealed class NameRegistry : ReceiveActor
{
    private readonly Dictionary<string, IActorRef> _owners = new(StringComparer.Ordinal);

    public NameRegistry()
    {
        Receive<ClaimName>(claim =>
        {
            if (_owners.TryAdd(claim.Name, Sender))
            {
                Context.Watch(Sender);
                Sender.Tell(new NameClaimed(claim.Name));
            }
            else
            {
                Sender.Tell(new NameInUse(claim.Name));
            }
        });
        Receive<ReleaseName>(release =>
        {
            if (_owners.TryGetValue(release.Name, out var owner) && owner.Equals(Sender))
            {
                _owners.Remove(release.Name);
                Context.Unwatch(owner);
            }
        });
        Receive<Terminated>(terminated =>
        {
            foreach (var name in _owners.Where(pair => pair.Value.Equals(terminated.ActorRef)).Select(pair => pair.Key).ToList())
            {
                _owners.Remove(name);
            }
        });
    }

    public static Props Props() => Akka.Actor.Props.Create(() => new NameRegistry());
}
