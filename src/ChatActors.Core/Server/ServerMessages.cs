using Akka.Actor;
using ChatActors.Balancer;
using ChatActors.Serialization;
using ChatActors.Stats;

namespace ChatActors.Server;

/// <summary>
/// One or more encoded, <c>\n</c>-terminated lines from one sender, published on the chat
/// topic to every server, which writes the same bytes to each of its joined clients
/// except <see cref="Excluded"/>.
/// </summary>
public sealed record ChatLines(byte[] Bytes, IActorRef Excluded) : IChatMessage;

/// <summary>A session owns a name from now on (its join is being recorded); its server reports it when a name registry relearns.</summary>
public sealed record SessionNamed(string Name);

/// <summary>A session's join went through; from now on it receives broadcasts.</summary>
public sealed record SessionJoined(string Name);

/// <summary>A session has left the chat (its exit line is out) and only waits for its leave to be journaled.</summary>
public sealed record SessionLeft
{
    public static readonly SessionLeft Instance = new();
}

/// <summary>A session gave its name back without ending (its join failed).</summary>
public sealed record SessionUnnamed
{
    public static readonly SessionUnnamed Instance = new();
}

/// <summary>Asks a server to answer <see cref="ServerServing"/> once it is subscribed, reachable, registered and accepting.</summary>
public sealed record AwaitServing
{
    public static readonly AwaitServing Instance = new();
}

public sealed record ServerServing(string Name, int Port);

/// <summary>
/// Published on the chat topic by a singleton that has just started (on a new node, or
/// after a restart): every server answers <see cref="ReplyTo"/> with its <see cref="ServerStatus"/>.
/// </summary>
public sealed record ReportServerStatus(IActorRef ReplyTo) : IChatMessage;

/// <summary>What one server holds: enough for the balancer, the name registry and the stats actor to relearn it.</summary>
/// <param name="Connected">Connected clients (the balancer's load).</param>
/// <param name="Names">The names its sessions own, joined or being joined, with the session that owns each.</param>
/// <param name="Online">Its joined clients, as its newest <see cref="ServerOnline"/> says.</param>
public sealed record ServerStatus(RegisterServer Registration, int Connected, IReadOnlyList<HeldName> Names, ServerOnline Online) : IChatMessage;

public sealed record HeldName(string Name, IActorRef Session);

/// <summary>
/// Published on the chat topic through the mediator of the node <see cref="Via"/>; arriving
/// back at <see cref="ReplyTo"/> proves that node delivers broadcasts to this one.
/// </summary>
public sealed record TopicProbe(IActorRef ReplyTo, string Via) : IChatMessage;

/// <summary>
/// Sent to a server instead of stopping it outright: it stops accepting, ends every session
/// (each leave journaled first) and stops once they all have.
/// </summary>
public sealed record StopServing
{
    public static readonly StopServing Instance = new();
}

/// <summary>
/// Takes a server out gently (a drain): the balancer stops handing it out at once, it stops
/// accepting, and its clients are told it goes down and are closed one by one, spread over
/// <paramref name="Window"/> (each leave journaled first); it stops after the last one.
/// </summary>
public sealed record DrainServing(TimeSpan Window);
