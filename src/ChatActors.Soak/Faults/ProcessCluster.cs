using System.Globalization;
using System.Net;
using ChatActors.Harness;

namespace ChatActors.Soak.Faults;

/// <summary>
/// <c>run.ps1 -Approach process</c> in a temporary folder on free ports, as a user starts it:
/// node 0 and one node per server, each an OS process that run.ps1 starts again when it is killed.
/// Removed on dispose, and on Ctrl+C or SIGTERM of the soak.
/// </summary>
public sealed class ProcessCluster : IAsyncDisposable
{
    private readonly NodeProcess _run;
    private readonly string _folder;
    private readonly int _firstRemotePort;
    private readonly int _firstServerPort;

    private ProcessCluster(NodeProcess run, string folder, int servers, int firstRemotePort, int firstServerPort, int balancerPort)
    {
        _run = run;
        _folder = folder;
        _firstRemotePort = firstRemotePort;
        _firstServerPort = firstServerPort;
        Servers = servers;
        BalancerPort = balancerPort;
        AppDomain.CurrentDomain.ProcessExit += RemoveOnExit;
    }

    public int Servers { get; }

    /// <summary>Node 0 and the server nodes.</summary>
    public int Nodes => Servers + 1;

    public int BalancerPort { get; }

    public string DbPath => Path.Combine(_folder, "storage.db");

    public string LogsFolder => Path.Combine(_folder, "logs");

    /// <summary>What run.ps1 and node 0 printed.</summary>
    public IEnumerable<string> Output => _run.Output;

    public static async Task<ProcessCluster> StartAsync(int servers, int capacity)
    {
        var folder = Directory.CreateTempSubdirectory("chatactors-faults-").FullName;
        var (remote, server, balancer) = (NodeProcesses.FreeRange(servers + 1), NodeProcesses.FreeRange(servers), NodeProcesses.FreeRange(1));
        try
        {
            var run = await NodeProcess.StartRunScriptAsync(
                Checkout.Root,
                "-Approach", "process", "-Servers", Text(servers), "-Capacity", Text(capacity),
                "-Db", Path.Combine(folder, "storage.db"), "-BalancerPort", Text(balancer),
                "-ServerPort", Text(server), "-RemotePort", Text(remote), "-NoLiveView");
            return new ProcessCluster(run, folder, servers, remote, server, balancer);
        }
        catch
        {
            Directory.Delete(folder, recursive: true);
            throw;
        }
    }

    /// <summary>The port of Server-<paramref name="server"/> (1 to <see cref="Servers"/>), on node <paramref name="server"/>.</summary>
    public int ServerPort(int server) => _firstServerPort + server - 1;

    /// <summary>The processes of node <paramref name="node"/>: one while it runs, none while it is down.</summary>
    public IReadOnlyList<int> Pids(int node) => NodeProcesses.Find("--db", DbPath, "--remote-port", Text(_firstRemotePort + node));

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

    /// <summary>Whether Server-<paramref name="server"/> greets a new connection within <paramref name="within"/>.</summary>
    public async Task<bool> GreetsAsync(int server, TimeSpan within)
    {
        try
        {
            await using var connection = await LineConnection.ConnectAsync(IPAddress.Loopback, ServerPort(server));
            return (await connection.ReadLineAsync(within))?.StartsWith("Server-", StringComparison.Ordinal) == true;
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException or TimeoutException or OperationCanceledException)
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
    public Task<int> InterruptAsync() => _run.InterruptAsync();

    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= RemoveOnExit;
        await _run.DisposeAsync();
        Remove();
    }

    private void RemoveOnExit(object? sender, EventArgs e)
    {
        _run.Kill();
        Remove();
    }

    /// <summary>Kills whatever node is left (a node run.ps1 started after its process group was killed) and deletes the folder.</summary>
    private void Remove()
    {
        foreach (var pid in AllPids())
        {
            try
            {
                System.Diagnostics.Process.GetProcessById(pid).Kill();
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                // Already gone.
            }
        }

        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private static string Text(int number) => number.ToString(CultureInfo.InvariantCulture);
}
