using System.Buffers;
using System.Net.Sockets;
using Akka.Actor;

namespace ChatActors.Net;

/// <summary>
/// The receiving half of one client connection: reads the socket and tells its reader (the
/// session) each read as <see cref="BytesReceived"/>, then waits until the reader asks for
/// more, so a client that sends faster than it is served waits in TCP (back-pressure), not in
/// memory. The end of the stream, a reset or the close of the socket ends it with one
/// <see cref="ConnectionClosed"/>, unless the reader stopped first.
/// </summary>
public sealed class ConnectionReader(Socket socket)
{
    private const int ReadBufferBytes = 16 * 1024;

    private readonly SemaphoreSlim _credit = new(0);
    private readonly CancellationTokenSource _stopping = new();

    public void Start(IActorRef reader) => _ = ReadLoopAsync(reader);

    /// <summary>The reader has taken the last read: the next may come.</summary>
    public void ReadMore() => _credit.Release();

    /// <summary>The reader is gone: a read waiting for credit ends, and nothing more is told.</summary>
    public void Stop()
    {
        _stopping.Cancel();
        _credit.Release();
    }

    /// <summary>No cancellation token is registered with the reads: the socket's close ends them.</summary>
    private async Task ReadLoopAsync(IActorRef reader)
    {
        try
        {
            while (await ReceiveAsync() is { Length: > 0 } bytes)
            {
                reader.Tell(new BytesReceived(bytes));
                await _credit.WaitAsync();
                if (_stopping.IsCancellationRequested)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // A reset or a close ends the connection just as an orderly end of stream does.
        }

        if (!_stopping.IsCancellationRequested)
        {
            reader.Tell(ConnectionClosed.Instance);
        }
    }

    /// <summary>
    /// The next bytes the client sent, empty at the end of the stream. It waits for them with a
    /// zero-byte read and borrows a buffer only to take them, so an idle connection holds none.
    /// </summary>
    private async Task<byte[]> ReceiveAsync()
    {
        await socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None);
        var buffer = ArrayPool<byte>.Shared.Rent(ReadBufferBytes);
        try
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(0, ReadBufferBytes), SocketFlags.None);
            return buffer.AsSpan(0, read).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
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
