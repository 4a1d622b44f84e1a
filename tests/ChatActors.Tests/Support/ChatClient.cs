using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ChatActors.Tests.Support;

/// <summary>A raw TCP client, like netcat: it writes bytes as given and reads lines exactly as they arrive.</summary>
public sealed class ChatClient : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly List<byte> _unread = [];

    private ChatClient(Socket socket) => _socket = socket;

    /// <summary>The server port this client is connected to.</summary>
    public int RemotePort => ((IPEndPoint)_socket.RemoteEndPoint!).Port;

    /// <param name="from">The local address to connect from (any 127.x.y.z is this machine); 127.0.0.1 by default.</param>
    /// <param name="to">The server's address; 127.0.0.1 by default.</param>
    public static async Task<ChatClient> ConnectAsync(int port, IPAddress? from = null, IPAddress? to = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (from is not null)
        {
            socket.Bind(new IPEndPoint(from, 0));
        }

        await socket.ConnectAsync(to ?? IPAddress.Loopback, port);
        return new ChatClient(socket);
    }

    /// <summary>A client on a connection made elsewhere (from inside a host of its own, say).</summary>
    public static ChatClient On(Socket connected) => new(connected);

    /// <summary>Joins as <paramref name="name"/> on a connection made elsewhere.</summary>
    public static async Task<ChatClient> JoinOnAsync(Socket connected, string name)
    {
        var client = On(connected);
        Assert.StartsWith("Server-", await client.ReadLineAsync());
        await client.SendAsync($"{name} joined the server\n");
        await client.ReadUntilAsync($"{name} joined the server");
        return client;
    }

    /// <summary>Connects to a server, reads its greeting and joins as <paramref name="name"/>, up to seeing its own join line.</summary>
    public static async Task<ChatClient> JoinAsync(int port, string name, IPAddress? host = null)
    {
        var client = await ConnectAsync(port, to: host);
        Assert.StartsWith("Server-", await client.ReadLineAsync());
        await client.SendAsync($"{name} joined the server\n");
        await client.ReadUntilAsync($"{name} joined the server");
        return client;
    }

    /// <summary>
    /// Asks the balancer, like the original client: the port of the server it hands out,
    /// or null for <c>SNA wait</c>. Any other reply fails the spec.
    /// </summary>
    public static async Task<int?> AskBalancerAsync(int balancerPort, IPAddress? from = null)
    {
        await using var balancer = await ConnectAsync(balancerPort, from);
        var reply = await balancer.ReadToEndAsync();
        if (reply == "SNA wait")
        {
            return null;
        }

        var match = System.Text.RegularExpressions.Regex.Match(reply, @"^\('127\.0\.0\.1', (\d+)\)$");
        Assert.True(match.Success, $"balancer reply was \"{reply}\"");
        return int.Parse(match.Groups[1].Value);
    }

    /// <summary>Asks the balancer and joins the server it hands out.</summary>
    public static async Task<ChatClient> JoinThroughBalancerAsync(int balancerPort, string name) =>
        await JoinAsync(await AskBalancerAsync(balancerPort) ?? throw new InvalidOperationException("the balancer said SNA wait"), name);

    /// <summary>
    /// Joins <paramref name="name"/> on one server, shows that another server refuses the
    /// same name, and that the name is free there once its owner has left.
    /// </summary>
    public static async Task AssertNameRefusedUntilItLeavesAsync(int ownerPort, int otherPort, string name)
    {
        await using var owner = await JoinAsync(ownerPort, name);
        await using var impostor = await ConnectAsync(otherPort);
        Assert.StartsWith("Server-", await impostor.ReadLineAsync());
        await impostor.SendAsync($"{name} joined the server\n");
        Assert.Equal($"ERROR name in use: {name}", await impostor.ReadLineAsync());

        await owner.SendAsync("stop\n");
        await owner.ReadToEndAsync();
        await impostor.SendAsync($"{name} joined the server\n");
        Assert.Equal($"{name} joined the server", await impostor.ReadLineAsync());
    }

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] bytes) => await _socket.SendAsync(bytes, SocketFlags.None);

    /// <summary>The next line, without its <c>\n</c>; fails if none arrives in time or the connection closes first.</summary>
    public async Task<string> ReadLineAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? DefaultTimeout);
        while (true)
        {
            var lineFeed = _unread.IndexOf((byte)'\n');
            if (lineFeed >= 0)
            {
                var line = Encoding.UTF8.GetString(_unread.GetRange(0, lineFeed).ToArray());
                _unread.RemoveRange(0, lineFeed + 1);
                return line;
            }

            if (await ReceiveAsync(cancel.Token) == 0)
            {
                throw new IOException($"connection closed; unterminated rest: \"{Encoding.UTF8.GetString(_unread.ToArray())}\"");
            }
        }
    }

    /// <summary>Reads lines until <paramref name="expected"/>, returning the lines before it.</summary>
    public async Task<List<string>> ReadUntilAsync(string expected, TimeSpan? timeout = null)
    {
        var before = new List<string>();
        string line;
        while ((line = await ReadLineAsync(timeout)) != expected)
        {
            before.Add(line);
        }

        return before;
    }

    /// <summary>Everything until the server closes the connection.</summary>
    public async Task<string> ReadToEndAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? DefaultTimeout);
        while (await ReceiveAsync(cancel.Token) > 0)
        {
        }

        var text = Encoding.UTF8.GetString(_unread.ToArray());
        _unread.Clear();
        return text;
    }

    private async Task<int> ReceiveAsync(CancellationToken cancel)
    {
        int read;
        try
        {
            read = await _socket.ReceiveAsync(_buffer, SocketFlags.None, cancel);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            read = 0;
        }

        _unread.AddRange(_buffer.AsSpan(0, read).ToArray());
        return read;
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
