using System.Buffers;
using System.Net.Sockets;
using Akka.Actor;

namespace ChatActors.Net;

/// <summary>
/// The receiving half of one client connection: reads the socket and tells its reader (the
/// session) each read as <see cref="BytesReceived"/>, then reads nothing until the reader asks
/// for more, so a client that sends faster than it is served waits in TCP (back-pressure), not
/// in memory. The end of the stream, a reset or the close of the socket ends it with one
/// <see cref="ConnectionClosed"/>, unless the reader stopped first. Between reads it holds
/// nothing but the one read that waits for the client's next bytes.
/// </summary>
public sealed class ConnectionReader(Socket socket) : IThreadPoolWorkItem
{
    private const int ReadBufferBytes = 16 * 1024;

    private IActorRef _reader = ActorRefs.Nobody;
    private volatile bool _stopped;

    public void Start(IActorRef reader)
    {
        _reader = reader;
        ReadMore();
    }

    /// <summary>
    /// The reader has taken the last read: the next may come. It asks once per read, so one read
    /// at a time runs; the read runs on the thread pool, never in the reader's message handler.
    /// </summary>
    public void ReadMore() => ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);

    void IThreadPoolWorkItem.Execute() => _ = ReadNextAsync();

    /// <summary>The reader is gone: nothing more is told.</summary>
    public void Stop() => _stopped = true;

    /// <summary>
    /// Waits for the client's next bytes with a zero-byte read and borrows a buffer only to take
    /// them, so an idle connection holds none. No cancellation token is registered with the
    /// reads: the socket's close ends them.
    /// </summary>
    private async Task ReadNextAsync()
    {
        byte[]? buffer = null;
        try
        {
            await socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None);
            buffer = ArrayPool<byte>.Shared.Rent(ReadBufferBytes);
            var read = await socket.ReceiveAsync(buffer.AsMemory(0, ReadBufferBytes), SocketFlags.None);
            if (read > 0)
            {
                Tell(new BytesReceived(buffer.AsSpan(0, read).ToArray()));
                return;
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // A reset or a close ends the connection just as an orderly end of stream does.
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        Tell(ConnectionClosed.Instance);
    }

    private void Tell(object message)
    {
        if (!_stopped)
        {
            _reader.Tell(message);
        }
    }
}

/// <summary>One read of a client's bytes, as they came.</summary>
public sealed record BytesReceived(byte[] Bytes);

/// <summary>The client's side of the connection ended (an orderly end, a reset or the close).</summary>
public sealed record ConnectionClosed
{
    public static readonly ConnectionClosed Instance = new();
}
