using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ChatActors.Harness;

namespace ChatActors.Bench;

/// <summary>
/// A ChatActors node: each client asks the balancer for a server, connects, reads the greeting,
/// sends its join and is ready once its own join line comes back (PROTOCOL.md). Publishers are
/// clients like the others and speak as themselves (<c>NAME : PAYLOAD</c>).
/// </summary>
public sealed partial class ChatTarget : ILoadTarget
{
    private readonly string _host;
    private readonly int _balancerPort;
    private readonly IAsyncDisposable? _started;

    private ChatTarget(string host, int balancerPort, IAsyncDisposable? started, ProcessMeter? meter, string name = "ChatActors")
    {
        _host = host;
        _balancerPort = balancerPort;
        _started = started;
        Meter = meter;
        Name = name;
    }

    public string Name { get; }

    public ProcessMeter? Meter { get; }

    /// <summary>
    /// A node of this checkout as users start it (run.ps1, fork, in Release), on free ports, with
    /// hocon/bench.conf (no flood control, no limits per address), its admin port on as by
    /// default, so that its metrics cost what they do; measured in the node's process.
    /// </summary>
    public static async Task<ChatTarget> StartAsync(int servers, int capacity)
    {
        var config = Path.Combine(AppContext.BaseDirectory, "hocon", "bench.conf");
        var adminPort = NodeProcesses.FreeRange(1).ToString(CultureInfo.InvariantCulture);
        var run = await NodeProcess.StartRunScriptInTemporaryFolderAsync(Checkout.Root, "chatactors-bench-", folder =>
        [
            "-Servers", servers.ToString(CultureInfo.InvariantCulture), "-Capacity", capacity.ToString(CultureInfo.InvariantCulture),
            "-Db", Path.Combine(folder, "storage.db"), "-BalancerPort", "0", "-ServerPort", "0", "-RemotePort", "0",
            "-AdminPort", adminPort, "-Config", config, "-NoLiveView",
        ]);
        if (NodeProcesses.Find("--db", run.DbPath) is not [var node])
        {
            await run.DisposeAsync();
            throw new BenchException("run.ps1 did not start exactly one node process");
        }

        return new ChatTarget("127.0.0.1", run.BalancerPort, run, new ProcessMeter(node));
    }

    /// <summary>run.ps1's process cluster as a target; its CPU and memory are spread over its nodes, so it has no meter.</summary>
    public static async Task<ChatTarget> StartProcessClusterAsync(int servers, int capacity, CancellationToken cancel)
    {
        var cluster = await StartBenchClusterAsync(servers, capacity, cancel);
        return new ChatTarget("127.0.0.1", cluster.BalancerPort, cluster, null, "ChatActors, process");
    }

    /// <summary>
    /// run.ps1's process cluster of this build (a node per server, one for the balancer, each
    /// with its admin port), with hocon/bench.conf, once every server greets (at most a minute).
    /// </summary>
    public static async Task<ProcessCluster> StartBenchClusterAsync(int servers, int capacity, CancellationToken cancel)
    {
        var config = Path.Combine(AppContext.BaseDirectory, "hocon", "bench.conf");
        var adminPorts = NodeProcesses.FreeRange(servers + 1).ToString(CultureInfo.InvariantCulture);
        var cluster = await ProcessCluster.StartAsync(servers, capacity, "-Config", config, "-AdminPort", adminPorts);
        try
        {
            var waited = Stopwatch.StartNew();
            while ((await cluster.SilentServerPortsAsync(TimeSpan.FromSeconds(1))).Count > 0)
            {
                if (waited.Elapsed > TimeSpan.FromMinutes(1))
                {
                    throw new BenchException("the process cluster's servers did not all serve within 60 s");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100), cancel);
            }

            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>A node somebody else runs (its balancer at host:port); its memory and CPU only when its pid is given.</summary>
    public static ChatTarget Running(string host, int balancerPort, int? pid) =>
        new(host, balancerPort, null, pid is { } known ? new ProcessMeter(known) : null);

    public Task<LoadConnection> ConnectSubscriberAsync(string name, int bufferBytes, CancellationToken cancel) =>
        JoinAsync(name, bufferBytes, null, cancel);

    public Task<LoadConnection> ConnectPublisherAsync(string name, int bufferBytes, CancellationToken cancel) =>
        JoinAsync(name, bufferBytes, null, cancel);

    /// <summary>
    /// The project's client coming back: a server through the balancer, then the join under its
    /// own name, sent again on the same connection every <paramref name="nameRetryEvery"/> while
    /// the name is still held for the node it was on.
    /// </summary>
    public Task<LoadConnection> RejoinAsync(string name, int bufferBytes, TimeSpan nameRetryEvery, CancellationToken cancel) =>
        JoinAsync(name, bufferBytes, nameRetryEvery, cancel);

    public int WritePublish(Span<byte> destination, ReadOnlySpan<byte> publisher, ReadOnlySpan<byte> payload)
    {
        var length = 0;
        Append(destination, ref length, publisher);
        Append(destination, ref length, " : "u8);
        Append(destination, ref length, payload);
        Append(destination, ref length, "\n"u8);
        return length;
    }

    private static void Append(Span<byte> destination, ref int length, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(destination[length..]);
        length += bytes.Length;
    }

    private async Task<LoadConnection> JoinAsync(string name, int bufferBytes, TimeSpan? nameRetryEvery, CancellationToken cancel)
    {
        string reply;
        using (var balancer = await LoadConnection.ConnectAsync(_host, _balancerPort, 256, cancel))
        {
            reply = await balancer.ReadToEndAsync(cancel);
        }

        if (ServerAddress().Match(reply) is not { Success: true } address)
        {
            throw new BenchException($"the balancer answered \"{reply.Trim()}\" instead of a server's address");
        }

        var connection = await LoadConnection.ConnectAsync(
            address.Groups["host"].Value, int.Parse(address.Groups["port"].Value, CultureInfo.InvariantCulture), bufferBytes, cancel);
        try
        {
            var greeting = await connection.ReadLineAsync(cancel);
            if (greeting.StartsWith("ERROR", StringComparison.Ordinal) || greeting == "Server busy")
            {
                throw new BenchException($"the server refused {name}: {greeting}");
            }

            var joinLine = $"{name} joined the server";
            while (true)
            {
                await connection.SendAsync(joinLine + "\n", cancel);
                if (await JoinRefusalAsync(connection, joinLine, cancel) is not { } refusal)
                {
                    return connection;
                }

                if (nameRetryEvery is not { } pause || refusal != $"ERROR name in use: {name}")
                {
                    throw new BenchException($"the join of {name} failed: {refusal}");
                }

                await Task.Delay(pause, cancel);
            }
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>The server's error line for the join, or null once the join line itself has come back.</summary>
    private static async Task<string?> JoinRefusalAsync(LoadConnection connection, string joinLine, CancellationToken cancel)
    {
        while (await connection.ReadLineAsync(cancel) is var line && line != joinLine)
        {
            if (line.StartsWith("ERROR", StringComparison.Ordinal))
            {
                return line;
            }
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_started is not null)
        {
            await _started.DisposeAsync();
        }
    }

    [GeneratedRegex(@"^\('(?<host>[^']+)', (?<port>\d+)\)")]
    private static partial Regex ServerAddress();
}
