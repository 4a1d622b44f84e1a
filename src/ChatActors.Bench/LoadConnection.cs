using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ChatActors.Bench;

/// <summary>What a connection's receive loop does with each complete line it reads.</summary>
public interface ILineSink
{
    void OnLine(ReadOnlySpan<byte> line);
}

/// <summary>
/// One client socket of the load generator with its own receive buffer: line by line while it
/// joins, then a receive loop that hands every line to a sink without allocating.
/// </summary>
public sealed class LoadConnection : IDisposable
{
    private readonly Socket _socket;
    private byte[] _buffer;
    private int _start;
    private int _end;

    private LoadConnection(Socket socket, int bufferBytes)
    {
        _socket = socket;
        _buffer = new byte[bufferBytes];
    }

    /// <summary>The port of the server this client is connected to.</summary>
    public int RemotePort => ((IPEndPoint)_socket.RemoteEndPoint!).Port;

    /// <summary>Bytes this connection's receive loop has taken so far.</summary>
    public long BytesReceived { get; private set; }

    public static async Task<LoadConnection> ConnectAsync(string host, int port, int bufferBytes, CancellationToken cancel)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(IPAddress.Parse(host), port, cancel);
            return new LoadConnection(socket, bufferBytes);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public ValueTask SendAsync(string text, CancellationToken cancel) => SendAsync(Encoding.UTF8.GetBytes(text), cancel);

    public async ValueTask SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancel)
    {
        while (!bytes.IsEmpty)
        {
            bytes = bytes[await _socket.SendAsync(bytes, SocketFlags.None, cancel)..];
        }
    }

    /// <summary>The next line without its line end; an <see cref="EndOfStreamException"/> when the peer closed first.</summary>
    public async Task<string> ReadLineAsync(CancellationToken cancel)
    {
        while (true)
        {
            var lineFeed = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (lineFeed >= 0)
            {
                var line = Encoding.UTF8.GetString(_buffer, _start, lineFeed - _start).TrimEnd('\r');
                _start = lineFeed + 1;
                return line;
            }

            if (await FillAsync(cancel) == 0)
            {
                throw new EndOfStreamException($"the server closed the connection{(_end > _start ? $" after \"{Encoding.UTF8.GetString(_buffer, _start, _end - _start)}\"" : string.Empty)}");
            }
        }
    }

    /// <summary>Everything until the peer closes (the balancer's one reply).</summary>
    public async Task<string> ReadToEndAsync(CancellationToken cancel)
    {
        while (await FillAsync(cancel) > 0)
        {
        }

        return Encoding.UTF8.GetString(_buffer, _start, _end - _start);
    }

    /// <summary>Hands every line to <paramref name="sink"/> until the peer closes, the socket is disposed or <paramref name="cancel"/> fires.</summary>
    public async Task ReceiveLinesAsync(ILineSink sink, CancellationToken cancel)
    {
        try
        {
            Deliver(sink);
            while (await FillAsync(cancel) > 0)
            {
                Deliver(sink);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The run is over, or the server cut this client off: the counts tell which.
        }
    }

    private void Deliver(ILineSink sink)
    {
        var pending = _buffer.AsSpan(_start, _end - _start);
        int lineFeed;
        while ((lineFeed = pending.IndexOf((byte)'\n')) >= 0)
        {
            sink.OnLine(pending[..lineFeed]);
            pending = pending[(lineFeed + 1)..];
        }

        _start = _end - pending.Length;
    }

    private async ValueTask<int> FillAsync(CancellationToken cancel)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancel);
        _end += read;
        BytesReceived += read;
        return read;
    }

    public void Dispose() => _socket.Dispose();
}
