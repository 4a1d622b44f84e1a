using System.Net.Sockets;
using System.Text;

namespace ChatActors.Client;

/// <summary>One connection to a chat server that greeted us: its lines in, ours out.</summary>
public sealed class ServerConnection : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly StreamReader _reader;

    private ServerConnection(TcpClient client, string greeting)
    {
        _client = client;
        _stream = client.GetStream();
        _reader = new StreamReader(_stream, new UTF8Encoding(false));
        Greeting = greeting;
    }

    /// <summary>The server's name, as it greeted us.</summary>
    public string Greeting { get; private set; }

    /// <summary>A connection to a server that greeted us, or null after saying why there is none.</summary>
    public static async Task<ServerConnection?> OpenAsync(string host, int port, IClientConsole console)
    {
        var client = new TcpClient { NoDelay = true };
        try
        {
            await client.ConnectAsync(host, port);
            var connection = new ServerConnection(client, string.Empty);
            var greeting = await connection.ReadLineAsync();
            if (greeting is not null && greeting.StartsWith("Server-", StringComparison.Ordinal))
            {
                connection.Greeting = greeting;
                return connection;
            }

            console.Error(greeting is null ? "The server closed the connection at once." : $"The server turned us away: {greeting}");
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            console.Error($"Cannot reach the server at {host}:{port}: {ex.Message}");
        }

        client.Dispose();
        return null;
    }

    public async Task SendAsync(string line) => await _stream.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"));

    /// <summary>The server's next line; null once it closed the connection (a reset is a close too).</summary>
    public async Task<string?> ReadLineAsync()
    {
        try
        {
            return await _reader.ReadLineAsync();
        }
        catch (IOException)
        {
            return null;
        }
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
