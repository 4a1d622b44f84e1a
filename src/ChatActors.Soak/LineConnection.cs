using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ChatActors.Soak;

/// <summary>A raw TCP connection from a chosen local address, read line by line as netcat shows it.</summary>
public sealed class LineConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;

    private LineConnection(Socket socket) => _socket = socket;

    public Socket Socket => _socket;

    /// <param name="from">Any 127.x.y.z: to the node, each is a remote address of its own.</param>
    /// <param name="receiveBuffer">A small one makes a stalled reader's kernel buffer fill soon.</param>
    public static async Task<LineConnection> ConnectAsync(IPAddress from, int port, int? receiveBuffer = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (receiveBuffer is { } size)
            {
                socket.ReceiveBufferSize = size;
            }

            socket.Bind(new IPEndPoint(from, 0));
            await socket.ConnectAsync(IPAddress.Loopback, port);
            return new LineConnection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public Task SendLineAsync(string line) => SendAsync(Encoding.UTF8.GetBytes(line + "\n"));

    public Task SendAsync(byte[] bytes) => SendAsync(bytes.AsMemory());

    public async Task SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancel = default)
    {
        while (!bytes.IsEmpty)
        {
            var sent = await _socket.SendAsync(bytes, SocketFlags.None, cancel);
            bytes = bytes[sent..];
        }
    }

    /// <summary>The next line without its <c>\n</c>, or null once the other side has closed.</summary>
    /// <exception cref="TimeoutException">No whole line within <paramref name="timeout"/>.</exception>
    public async Task<string?> ReadLineAsync(TimeSpan timeout)
    {
        using var expiry = new CancellationTokenSource(timeout);
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                var line = Encoding.UTF8.GetString(_buffer, _start, newline - _start);
                _start = newline + 1;
                return line;
            }

            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                throw new InvalidDataException("a line longer than the read buffer");
            }

            int read;
            try
            {
                read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, expiry.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no line within {timeout.TotalSeconds:0} s");
            }
            catch (SocketException)
            {
                read = 0;
            }

            if (read == 0)
            {
                return null;
            }

            _end += read;
        }
    }

    /// <summary>Everything until the close (the balancer's reply has no newline).</summary>
    /// <exception cref="TimeoutException">The connection is still open after <paramref name="timeout"/>.</exception>
    public async Task<string> ReadToEndAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var text = new StringBuilder();
        while (await ReadLineAsync(Max(deadline - DateTime.UtcNow, TimeSpan.FromMilliseconds(1))) is { } line)
        {
            text.Append(line).Append('\n');
        }

        text.Append(Encoding.UTF8.GetString(_buffer, _start, _end - _start));
        _start = _end = 0;
        return text.ToString();
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>Stops sending (a TCP half-close): the other side reads the end of the stream.</summary>
    public void CloseSending() => _socket.Shutdown(SocketShutdown.Send);

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
