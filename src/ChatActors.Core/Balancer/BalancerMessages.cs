using Akka.Actor;
using ChatActors.Serialization;

namespace ChatActors.Balancer;

/// <summary>A server announces itself to the balancer; the balancer watches <see cref="Server"/>.</summary>
public sealed record RegisterServer(int Index, string Name, string Host, int Port, int Capacity, IActorRef Server) : IChatMessage;

/// <summary>A server's count of connected clients, sent whenever it changes.</summary>
public sealed record ServerLoad(int Index, int Connected) : IChatMessage;

/// <summary>The balancer edge asks where the client it has just accepted should go.</summary>
/// <param name="ClientAddress">The client's address as the limits per address count it; null when none applies to it (loopback, by default).</param>
public sealed record AssignServer(string? ClientAddress) : IChatMessage
{
    public static readonly AssignServer Unlimited = new((string?)null);
}

public sealed record ServerAssigned(string Host, int Port) : IChatMessage;

/// <summary>A server that is being drained: the balancer stops handing it out at once.</summary>
public sealed record WithdrawServer : IChatMessage
{
    public static readonly WithdrawServer Instance = new();
}

public sealed record NoServerAvailable : IChatMessage
{
    public static readonly NoServerAvailable Instance = new();
}

/// <summary>A node that joins a running cluster asks for the indices of its servers, so that every server name stays unique.</summary>
public sealed record AllocateServerIndices(int Count) : IChatMessage;

public sealed record ServerIndicesAllocated(int First) : IChatMessage;

/// <summary>A balancer edge asks before it listens: answered with <see cref="ServersServing"/> once the balancer knows a server.</summary>
public sealed record AwaitServersServing : IChatMessage
{
    public static readonly AwaitServersServing Instance = new();
}

public sealed record ServersServing : IChatMessage
{
    public static readonly ServersServing Instance = new();
}

/// <summary>Asked of the node's own balancer edge (never across the network): answered with <see cref="EdgeListening"/> once its port listens.</summary>
public sealed record AwaitEdgeListening
{
    public static readonly AwaitEdgeListening Instance = new();
}

public sealed record EdgeListening
{
    public static readonly EdgeListening Instance = new();
}
