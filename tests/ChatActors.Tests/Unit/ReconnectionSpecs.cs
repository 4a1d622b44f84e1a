using System.Net;
using System.Net.Sockets;
using System.Text;
using ChatActors.Client;

namespace ChatActors.Tests.Unit;

/// <summary>The client coming back after its server went away, against a server that holds its name for a while.</summary>
public class ReconnectionSpecs
{
    private static readonly ClientOptions Options = new("127.0.0.1", 1, "ann", TimeSpan.Zero, TimeSpan.FromSeconds(30));

    [Fact]
    public async Task The_old_name_is_taken_again_once_the_server_frees_it()
    {
        using var server = new NameHoldingServer(refusals: 2);
        var console = new RecordingConsole();
        var rejoined = await new Reconnection(Options, console, server.AskBalancerAsync, TimeSpan.FromSeconds(20)).RejoinAsync("ann");

        Assert.Equal("ann", rejoined?.Name);
        Assert.Equal(["ann joined the server", "ann joined the server", "ann joined the server"], server.Joins);
        Assert.DoesNotContain(console.Lines, line => line.Contains("still taken", StringComparison.Ordinal));
        await rejoined!.Value.Connection.DisposeAsync();
    }

    [Fact]
    public async Task A_name_still_taken_after_the_name_wait_is_given_up_for_another_and_the_user_is_told()
    {
        using var server = new NameHoldingServer(refusals: int.MaxValue);
        var console = new RecordingConsole();
        var rejoined = await new Reconnection(Options, console, server.AskBalancerAsync, TimeSpan.FromMilliseconds(500)).RejoinAsync("ann");

        Assert.Equal("ann-2", rejoined?.Name);
        Assert.Equal("ann-2 joined the server", server.Joins[^1]);
        Assert.Contains("ann is still taken; you are ann-2 now.", console.Lines);
        await rejoined!.Value.Connection.DisposeAsync();
    }

    [Fact]
    public async Task No_server_within_the_reconnect_time_gives_up()
    {
        var options = Options with { ReconnectWithin = TimeSpan.FromSeconds(1) };
        var console = new RecordingConsole();
        var started = DateTime.UtcNow;
        var rejoined = await new Reconnection(options, console, () => Task.FromResult("SNA wait"), TimeSpan.FromSeconds(20)).RejoinAsync("ann");

        Assert.Null(rejoined);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
        Assert.Contains("Every server is busy; asking again.", console.Lines);
    }

    /// <summary>A chat server on loopback that refuses the name "ann" a number of times, then takes any join.</summary>
    private sealed class NameHoldingServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly List<string> _joins = [];
        private int _refusalsLeft;

        public NameHoldingServer(int refusals)
        {
            _refusalsLeft = refusals;
            _listener.Start();
            _ = ServeAsync();
        }

        public IReadOnlyList<string> Joins
        {
            get
            {
                lock (_joins)
                {
                    return [.. _joins];
                }
            }
        }

        public Task<string> AskBalancerAsync() => Task.FromResult($"('127.0.0.1', {((IPEndPoint)_listener.LocalEndpoint).Port})");

        private async Task ServeAsync()
        {
            using var client = await _listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            using var reader = new StreamReader(stream);
            await stream.WriteAsync("Server-1\n"u8.ToArray());
            while (await reader.ReadLineAsync() is { } join)
            {
                lock (_joins)
                {
                    _joins.Add(join);
                }

                var answer = join == "ann joined the server" && _refusalsLeft-- > 0 ? "ERROR name in use: ann" : join;
                await stream.WriteAsync(Encoding.UTF8.GetBytes(answer + "\n"));
            }
        }

        public void Dispose() => _listener.Stop();
    }

    private sealed class RecordingConsole : IClientConsole
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
}
