using System.Buffers;
using System.Net.Sockets;
using System.Threading.Channels;

namespace ChatActors.Net;

/// <summary>
/// The sending half of one client connection: a bounded queue of ready-encoded byte
/// blocks and one loop that drains it, copying every block that is waiting into one
/// socket write. Any thread may enqueue (the server's fan-out and the session itself);
/// a broadcast's bytes are shared, never copied per client until they hit the socket.
/// </summary>
public sealed class ConnectionWriter
{
    private const int CoalesceBytes = 64 * 1024;

    private readonly Socket _socket;
    private readonly OutboundLimits _limits;
    private readonly Channel<ReadOnlyMemory<byte>> _queue =
        Channel.CreateUnbounded<ReadOnlyMemory<byte>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _abort = new();
    private int _queuedMessages;
    private long _queuedBytes;
    private int _overflowed;

    public ConnectionWriter(Socket socket, OutboundLimits limits)
    {
        _socket = socket;
        _limits = limits;
        Completion = Task.Run(WriteLoopAsync);
    }

    /// <summary>Completes once the socket is closed, after a graceful drain or an abort.</summary>
    public Task Completion { get; }

    public EnqueueResult TryEnqueue(ReadOnlyMemory<byte> bytes)
    {
        if (Volatile.Read(ref _overflowed) != 0)
        {
            return EnqueueResult.Closed;
        }

        var messages = Interlocked.Increment(ref _queuedMessages);
        var queuedBytes = Interlocked.Add(ref _queuedBytes, bytes.Length);
        if (messages > _limits.MaxMessages || queuedBytes > _limits.MaxBytes)
        {
            Abort();
            return Interlocked.Exchange(ref _overflowed, 1) == 0 ? EnqueueResult.Overflowed : EnqueueResult.Closed;
        }

        return _queue.Writer.TryWrite(bytes) ? EnqueueResult.Queued : EnqueueResult.Closed;
    }

    public EnqueueResult TryEnqueue(string text) => TryEnqueue(Protocol.Wire.Encode(text));

    /// <summary>Sends what is queued, then closes; a client that does not read within <paramref name="drainTimeout"/> is cut off.</summary>
    public void Close(TimeSpan drainTimeout)
    {
        if (_queue.Writer.TryComplete())
        {
            _abort.CancelAfter(drainTimeout);
        }
    }

    /// <summary>Drops what is queued and closes the socket now.</summary>
    public void Abort()
    {
        _queue.Writer.TryComplete();
        _abort.Cancel();
    }

    private async Task WriteLoopAsync()
    {
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_abort.Token))
            {
                await WriteWaitingAsync(reader);
            }

            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Aborted, timed out while draining, or the peer went away: closing is all that is left.
        }
        finally
        {
            _socket.Dispose();
        }
    }

    /// <summary>
    /// Sends everything waiting, coalesced into as few socket writes as fit the buffer. The buffer
    /// is borrowed only while there is something to send, so an idle connection holds none.
    /// </summary>
    private async Task WriteWaitingAsync(ChannelReader<ReadOnlyMemory<byte>> reader)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(CoalesceBytes);
        try
        {
            while (reader.TryPeek(out var next))
            {
                if (next.Length >= buffer.Length)
                {
                    reader.TryRead(out _);
                    await SendAsync(next, 1);
                    continue;
                }

                var filled = 0;
                var blocks = 0;
                while (reader.TryPeek(out next) && filled + next.Length <= buffer.Length)
                {
                    reader.TryRead(out _);
                    next.CopyTo(buffer.AsMemory(filled));
                    filled += next.Length;
                    blocks++;
                }

                await SendAsync(buffer.AsMemory(0, filled), blocks);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task SendAsync(ReadOnlyMemory<byte> bytes, int blocks)
    {
        var length = bytes.Length;
        while (!bytes.IsEmpty)
        {
            var sent = await _socket.SendAsync(bytes, SocketFlags.None, _abort.Token);
            bytes = bytes[sent..];
        }

        Interlocked.Add(ref _queuedMessages, -blocks);
        Interlocked.Add(ref _queuedBytes, -length);
    }
}
