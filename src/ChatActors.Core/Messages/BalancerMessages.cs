using Akka.Actor;

namespace ChatActors.Messages;

/// <summary>A server announces itself to the balancer; the balancer watches <see cref="Server"/>.</summary>
public sealed record RegisterServer(int Index, string Name, string Host, int Port, int Capacity, IActorRef Server);

/// <summary>A server's count of connected clients, sent whenever it changes.</summary>
public sealed record ServerLoad(int Index, int Connected);

/// <summary>The balancer edge asks where the client it has just accepted should go.</summary>
public sealed record AssignServer
{
    public static readonly AssignServer Instance = new();
}

public sealed record ServerAssigned(string Host, int Port);

public sealed record NoServerAvailable
{
    public static readonly NoServerAvailable Instance = new();
}
