using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ChatActors.Harness;

namespace ChatActors.Bench;

/// <summary>
/// A redis-server this program starts on a free port (no persistence): subscribers SUBSCRIBE to
/// one channel and are ready at its confirmation, publishers PUBLISH to it.
/// </summary>
public sealed class RedisTarget : ILoadTarget
{
    private const string Channel = "bench";
    private readonly Process _process;
    private readonly int _port;

    private RedisTarget(Process process, int port)
    {
        _process = process;
        _port = port;
        Meter = new ProcessMeter(process.Id);
    }

    public string Name => "Redis";

    public ProcessMeter? Meter { get; }

    public static async Task<RedisTarget> StartAsync(int maxClients)
    {
        var executable = FindOnPath("redis-server")
            ?? throw new BenchException("redis-server is not installed: src/ChatActors.Bench/bench.sh installs it (apt-get install redis-server), or use --target chat");
        var port = FreePort();
        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
                 {
                     "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                     "--maxclients", maxClients.ToString(CultureInfo.InvariantCulture), "--daemonize", "no",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var target = new RedisTarget(process, port);
        await target.WaitForPongAsync();
        return target;
    }

    public async Task<LoadConnection> ConnectSubscriberAsync(string name, int bufferBytes, CancellationToken cancel)
    {
        var connection = await LoadConnection.ConnectAsync("127.0.0.1", _port, bufferBytes, cancel);
        try
        {
            await connection.SendAsync($"SUBSCRIBE {Channel}\r\n", cancel);
            // The confirmation ends with the number of channels this client is subscribed to.
            while (await connection.ReadLineAsync(cancel) != ":1")
            {
            }

            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public Task<LoadConnection> ConnectPublisherAsync(string name, int bufferBytes, CancellationToken cancel) =>
        LoadConnection.ConnectAsync("127.0.0.1", _port, bufferBytes, cancel);

    public int WritePublish(Span<byte> destination, ReadOnlySpan<byte> publisher, ReadOnlySpan<byte> payload)
    {
        var length = Encoding.ASCII.GetBytes($"*3\r\n$7\r\nPUBLISH\r\n${Channel.Length}\r\n{Channel}\r\n${payload.Length}\r\n", destination);
        payload.CopyTo(destination[length..]);
        length += payload.Length;
        "\r\n"u8.CopyTo(destination[length..]);
        return length + 2;
    }

    private async Task WaitForPongAsync()
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var connection = await LoadConnection.ConnectAsync("127.0.0.1", _port, 256, CancellationToken.None);
                await connection.SendAsync("PING\r\n", CancellationToken.None);
                if (await connection.ReadLineAsync(CancellationToken.None) == "+PONG")
                {
                    return;
                }
            }
            catch (SocketException) when (waited.Elapsed < TimeSpan.FromSeconds(10) && !_process.HasExited)
            {
                await Task.Delay(50);
            }
        }
    }

    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(folder => Path.Combine(folder, program))
        .FirstOrDefault(File.Exists);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
