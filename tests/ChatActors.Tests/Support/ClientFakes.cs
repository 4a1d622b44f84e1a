using System.Net;
using System.Net.Sockets;
using System.Text;
using ChatActors.Client;

namespace ChatActors.Tests.Support;

/// <summary>
/// A chat server on loopback that refuses the join of "ann" a number of times (by default as a
/// name in use; <see cref="CloseUnanswered"/>: by closing the connection without an answer), then
/// takes any join, echoes chat and closes on a leave. It serves one connection after another.
/// </summary>
public sealed class NameHoldingServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<string> _received = [];
    /// <summary>The refusal that closes the connection instead of answering.</summary>
    public const string? CloseUnanswered = null;

    private readonly string? _refusal;
    private int _refusalsLeft;

    public NameHoldingServer(int refusals, string? refusal = "ERROR name in use: ann")
    {
        _refusalsLeft = refusals;
        _refusal = refusal;
        _listener.Start();
        _ = ServeAsync();
    }

    public IReadOnlyList<string> Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    public Task<string> AskBalancerAsync() => Task.FromResult($"('127.0.0.1', {((IPEndPoint)_listener.LocalEndpoint).Port})");

    private async Task ServeAsync()
    {
        try
        {
            while (true)
            {
                using var client = await _listener.AcceptTcpClientAsync();
                await ServeAsync(client);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Disposed: the spec is over.
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        var stream = client.GetStream();
        using var reader = new StreamReader(stream);
        await stream.WriteAsync("Server-1\n"u8.ToArray());
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (_received)
            {
                _received.Add(line);
            }

            if (line.StartsWith("stop", StringComparison.Ordinal))
            {
                return;
            }

            var answer = line == "ann joined the server" && _refusalsLeft-- > 0 ? _refusal : line;
            if (answer is null)
            {
                return;
            }

            await stream.WriteAsync(Encoding.UTF8.GetBytes(answer + "\n"));
        }
    }

    public void Dispose() => _listener.Stop();
}

public sealed class RecordingConsole : IClientConsole
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public void Status(string message) => Record(message);

    public void Error(string message) => Record(message);

    public string? AskName(string? why) => null;

    public void Show(string line) => Record(line);

    public Task ChatAsync(string title, Func<string, Task> send, CancellationToken serverGone) => Task.CompletedTask;

    public string AskLeave() => "stop";

    private void Record(string line)
    {
        lock (_lines)
        {
            _lines.Add(line);
        }
    }
}
