using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ChatActors.Harness;

/// <summary>
/// <c>run.ps1 -Approach process</c> in a temporary folder on free ports, as a user starts it:
/// node 0 and one node per server, each an OS process that run.ps1 starts again when it is killed.
/// The run script's process group and the folder go on dispose, and on Ctrl+C or SIGTERM of the soak.
/// </summary>
/// <param name="firstRemotePort">Node i's Akka.Remote port is this + i.</param>
/// <param name="firstServerPort">Server-i's port is this + i - 1.</param>
public sealed class ProcessCluster(NodeProcess run, int servers, int firstRemotePort, int firstServerPort, int balancerPort) : IAsyncDisposable
{
    public int Servers => servers;

    /// <summary>Node 0 and the server nodes.</summary>
    public int Nodes => servers + 1;

    public int BalancerPort => balancerPort;

    public string DbPath => run.DbPath;

    public string LogsFolder => Path.Combine(run.Folder, "logs");

    /// <summary>What run.ps1 and node 0 printed.</summary>
    public IEnumerable<string> Output => run.Output;

    /// <inheritdoc cref="NodeProcess.LastStatsLine"/>
    public string? LastStatsLine() => run.LastStatsLine();

    /// <param name="options">More run.ps1 parameters (a <c>-Config</c> file, say).</param>
    public static async Task<ProcessCluster> StartAsync(int servers, int capacity, params string[] options)
    {
        var (remote, server, balancer) = (NodeProcesses.FreeRange(servers + 1), NodeProcesses.FreeRange(servers), NodeProcesses.FreeRange(1));
        var run = await NodeProcess.StartRunScriptInTemporaryFolderAsync(Checkout.Root, "chatactors-faults-", folder =>
        [
            "-Approach", "process", "-Servers", Text(servers), "-Capacity", Text(capacity),
            "-Db", Path.Combine(folder, "storage.db"), "-BalancerPort", Text(balancer),
            "-ServerPort", Text(server), "-RemotePort", Text(remote), "-NoLiveView", .. options,
        ]);
        return new ProcessCluster(run, servers, remote, server, balancer);
    }

    /// <summary>The port of Server-<paramref name="server"/> (1 to <see cref="Servers"/>), on node <paramref name="server"/>.</summary>
    public int ServerPort(int server) => firstServerPort + server - 1;

    /// <summary>The processes of node <paramref name="node"/>: one while it runs, none while it is down.</summary>
    public IReadOnlyList<int> Pids(int node) => NodeProcesses.Find("--db", DbPath, "--remote-port", Text(firstRemotePort + node));

    /// <summary>Every node process of this cluster, whichever node it is.</summary>
    public IReadOnlyList<int> AllPids() => NodeProcesses.Find("--db", DbPath);

    /// <summary>Resident memory of every node process now (a process that just ended counts nothing).</summary>
    public IReadOnlyDictionary<int, long> RssBytes()
    {
        var rss = new Dictionary<int, long>();
        foreach (var pid in AllPids())
        {
            try
            {
                rss[pid] = new ProcessMeter(pid).RssBytes();
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException)
            {
                // It ended between the listing and the reading.
            }
        }

        return rss;
    }

    /// <summary>The server ports that do not greet a new connection within <paramref name="within"/> (none: every server serves).</summary>
    public async Task<List<int>> SilentServerPortsAsync(TimeSpan within)
    {
        var ports = Enumerable.Range(1, servers).Select(ServerPort).ToList();
        var greets = await Task.WhenAll(ports.Select(port => GreetsAsync(port, within)));
        return ports.Where((_, i) => !greets[i]).ToList();
    }

    private static async Task<bool> GreetsAsync(int port, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            using var reader = new StreamReader(client.GetStream(), Encoding.UTF8);
            return (await reader.ReadLineAsync(timeout.Token))?.StartsWith("Server-", StringComparison.Ordinal) == true;
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Copies logs/ (node-i.log of every node) to <paramref name="destination"/>.</summary>
    public void CopyLogsTo(string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var log in Directory.EnumerateFiles(LogsFolder))
        {
            File.Copy(log, Path.Combine(destination, Path.GetFileName(log)), overwrite: true);
        }
    }

    /// <summary>Ctrl+C to run.ps1 and every node: run.ps1's exit code once all have stopped.</summary>
    public Task<int> InterruptAsync() => run.InterruptAsync();

    public ValueTask DisposeAsync() => run.DisposeAsync();

    private static string Text(int number) => number.ToString(CultureInfo.InvariantCulture);
}
