using System.Net.Sockets;

namespace ChatActors.Net;

/// <summary>
/// One client's TCP connection, owning both directions: the <see cref="ConnectionReader"/>
/// its session reads through and the <see cref="ConnectionWriter"/> everyone writes to. The
/// server creates it on accept and closes it once the session has stopped.
/// </summary>
public sealed class ClientConnection(Socket socket, OutboundLimits limits)
{
    public ConnectionReader Reader { get; } = new(socket);

    public ConnectionWriter Writer { get; } = new(socket, limits);

    public EnqueueResult Send(ReadOnlyMemory<byte> bytes) => Writer.TryEnqueue(bytes);

    public EnqueueResult Send(string text) => Writer.TryEnqueue(text);

    /// <inheritdoc cref="ConnectionWriter.Close"/>
    public void Close(TimeSpan drainTimeout) => Writer.Close(drainTimeout);
}
