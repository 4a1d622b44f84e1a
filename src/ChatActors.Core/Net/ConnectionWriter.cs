using System.Buffers;
using System.Net.Sockets;
using ChatActors.Protocol;

namespace ChatActors.Net;

/// <summary>
/// The sending half of one client connection: a bounded queue of ready-encoded byte blocks,
/// drained by a send pump that copies every block waiting into one socket write. Any thread
/// may enqueue (the server's fan-out and the session itself); a broadcast's bytes are shared,
/// never copied per client until they hit the socket. The pump runs only while something
/// waits, and the queue's array and the coalescing buffer are borrowed from pools meanwhile,
/// so an idle connection holds no buffer, no task and no waiting continuation.
/// </summary>
public sealed class ConnectionWriter : IThreadPoolWorkItem
{
    private const int CoalesceBytes = 64 * 1024;

    private readonly Socket _socket;
    private readonly OutboundLimits _limits;
    private readonly Lock _lock = new();
    private readonly WaitingBlocks _waiting = new();
    private int _queuedMessages;
    private long _queuedBytes;
    private bool _pumping;
    private bool _closing;
    private bool _closed;
    private bool _overflowed;
    private Timer? _drainDeadline;
    private TaskCompletionSource? _completion;

    public ConnectionWriter(Socket socket, OutboundLimits limits)
    {
        _socket = socket;
        _socket.Blocking = false;
        _limits = limits;
    }

    /// <summary>
    /// The client did not read and its queue broke the limits, so the connection was aborted.
    /// Its reader may see the close before the session hears why: this tells it.
    /// </summary>
    public bool Overflowed
    {
        get
        {
            lock (_lock)
            {
                return _overflowed;
            }
        }
    }

    /// <summary>Completes once the socket is closed, after a graceful drain or an abort.</summary>
    public Task Completion
    {
        get
        {
            lock (_lock)
            {
                return _closed ? Task.CompletedTask : (_completion ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }
        }
    }

    public EnqueueResult TryEnqueue(ReadOnlyMemory<byte> bytes)
    {
        lock (_lock)
        {
            if (_closing)
            {
                return EnqueueResult.Closed;
            }

            _queuedMessages++;
            _queuedBytes += bytes.Length;
            if (_queuedMessages > _limits.MaxMessages || _queuedBytes > _limits.MaxBytes)
            {
                _overflowed = true;
                AbortLocked();
                return EnqueueResult.Overflowed;
            }

            _waiting.Add(bytes);
            if (_pumping)
            {
                return EnqueueResult.Queued;
            }

            _pumping = true;
        }

        // The pump runs on the thread pool, so a broadcast to many clients never waits for one socket.
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        return EnqueueResult.Queued;
    }

    public EnqueueResult TryEnqueue(string text) => TryEnqueue(Protocol.Wire.Encode(text));

    /// <summary>Sends what is queued, then closes; a client that does not read within <paramref name="drainTimeout"/> is cut off.</summary>
    public void Close(TimeSpan drainTimeout)
    {
        lock (_lock)
        {
            if (_closing)
            {
                return;
            }

            _closing = true;
            if (_pumping)
            {
                _drainDeadline = new Timer(static writer => ((ConnectionWriter)writer!).Abort(), this, drainTimeout, Timeout.InfiniteTimeSpan);
                return;
            }
        }

        ShutDown();
    }

    /// <summary>Drops what is queued and closes the socket now.</summary>
    public void Abort()
    {
        lock (_lock)
        {
            AbortLocked();
        }
    }

    private void AbortLocked()
    {
        _closing = true;
        _waiting.Clear();
        // An unfinished send fails at once; the pump then finds the writer closed.
        _socket.Dispose();
        MarkClosedLocked();
    }

    void IThreadPoolWorkItem.Execute() => _ = PumpAsync();

    /// <summary>
    /// Takes everything waiting, sends it coalesced into as few socket writes as a buffer of at
    /// most 64 KiB allows, and repeats until nothing waits; then the pump ends (or closes the
    /// socket, once closing). A lone block goes out as it is, without a buffer.
    /// </summary>
    private async Task PumpAsync()
    {
        try
        {
            while (TakeWaiting(out var batch, out var single, out var count))
            {
                if (batch is null)
                {
                    await SendAsync(single, 1);
                    continue;
                }

                try
                {
                    await SendBatchAsync(batch, count);
                }
                finally
                {
                    WaitingBlocks.Return(batch);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The peer went away or the writer was aborted: closing is all that is left.
            Abort();
        }
    }

    /// <summary>
    /// The blocks waiting now (in <paramref name="batch"/>, or a lone one in <paramref name="single"/>),
    /// or false when none are: the pump stops, and closes the socket if the writer is closing.
    /// </summary>
    private bool TakeWaiting(out ReadOnlyMemory<byte>[]? batch, out ReadOnlyMemory<byte> single, out int count)
    {
        lock (_lock)
        {
            if (_waiting.Count > 0 && !_closed)
            {
                count = _waiting.TakeAll(out batch, out single);
                return true;
            }

            (batch, single, count) = (null, default, 0);

            _pumping = false;
            if (!_closing || _closed)
            {
                return false;
            }
        }

        ShutDown();
        return false;
    }

    private async Task SendBatchAsync(ReadOnlyMemory<byte>[] batch, int count)
    {
        var waitingBytes = 0L;
        for (var i = 0; i < count; i++)
        {
            waitingBytes += batch[i].Length;
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(waitingBytes, CoalesceBytes));
        try
        {
            var filled = 0;
            var blocks = 0;
            for (var i = 0; i < count; i++)
            {
                var block = batch[i];
                if (filled + block.Length > buffer.Length && filled > 0)
                {
                    await SendAsync(buffer.AsMemory(0, filled), blocks);
                    (filled, blocks) = (0, 0);
                }

                if (block.Length >= buffer.Length)
                {
                    await SendAsync(block, 1);
                    continue;
                }

                block.CopyTo(buffer.AsMemory(filled));
                filled += block.Length;
                blocks++;
            }

            if (filled > 0)
            {
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
            var sent = TrySendNow(bytes.Span) ?? await _socket.SendAsync(bytes, SocketFlags.None);
            bytes = bytes[sent..];
        }

        lock (_lock)
        {
            _queuedMessages -= blocks;
            _queuedBytes -= length;
        }
    }

    /// <summary>
    /// What fits the socket's send buffer goes out at once; null when it is full. Only then is
    /// the send asynchronous, so a connection that never fills its buffer (a chat client, by
    /// far the most) never makes the socket keep its asynchronous send state, about 360 bytes
    /// held for as long as the connection lives (docs/BENCHMARKS.md, idle memory). A peer that
    /// is gone aborts the writer here, without the exception an asynchronous send throws (a
    /// mass leave makes thousands): the bytes count as sent, and the pump then finds it closed.
    /// </summary>
    private int? TrySendNow(ReadOnlySpan<byte> bytes)
    {
        var sent = _socket.Send(bytes, SocketFlags.None, out var error);
        switch (error)
        {
            case SocketError.Success:
                return sent;
            case SocketError.WouldBlock:
                return null;
            default:
                Abort();
                return bytes.Length;
        }
    }

    /// <summary>Everything is sent: the client gets an orderly end of stream.</summary>
    private void ShutDown()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already gone.
        }

        lock (_lock)
        {
            _socket.Dispose();
            MarkClosedLocked();
        }
    }

    private void MarkClosedLocked()
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        _drainDeadline?.Dispose();
        _completion?.TrySetResult();
    }
}
