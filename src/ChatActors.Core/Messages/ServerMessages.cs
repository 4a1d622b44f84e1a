using Akka.Actor;

namespace ChatActors.Messages;

/// <summary>
/// One or more encoded, <c>\n</c>-terminated lines from one sender, published on the chat
/// topic to every server, which writes the same bytes to each of its joined clients
/// except <see cref="Excluded"/>.
/// </summary>
public sealed record ChatLines(byte[] Bytes, IActorRef Excluded);

/// <summary>A session's join went through; from now on it receives broadcasts.</summary>
public sealed record SessionJoined(string Name);

/// <summary>Asks a server to answer <see cref="ServerServing"/> once it is subscribed, registered and accepting.</summary>
public sealed record AwaitServing
{
    public static readonly AwaitServing Instance = new();
}

public sealed record ServerServing(string Name, int Port);
