using System.Globalization;
using System.Text.RegularExpressions;
using ChatActors.Harness;

namespace ChatActors.Tests.Support;

/// <summary>Node 0 (the balancer edge) and three server nodes of <c>run.ps1 -Approach process</c>, on ports free when asked.</summary>
internal sealed record FourNodes(int RemotePort, int ServerPort, int BalancerPort)
{
    public static FourNodes OnFreePorts() => new(NodeProcesses.FreeRange(4), NodeProcesses.FreeRange(3), NodeProcesses.FreeRange(1));

    public bool EachRunsOnce => Enumerable.Range(0, 4).All(node => Find(node).Count == 1);

    /// <param name="logs">Where the nodes' logs go (by default beside the database).</param>
    /// <param name="options">More run.ps1 parameters (a <c>-Config</c> file, say).</param>
    public Task<NodeProcess> StartAsync(string dbPath, string? logs = null, params string[] options) => NodeProcess.StartRunScriptAsync(
        Repository.Root,
        [
            "-Approach", "process", "-Servers", "3", "-Db", dbPath, "-Logs", logs ?? Path.Combine(Path.GetDirectoryName(dbPath)!, "logs"),
            "-BalancerPort", BalancerPort.ToString(CultureInfo.InvariantCulture),
            "-ServerPort", ServerPort.ToString(CultureInfo.InvariantCulture),
            "-RemotePort", RemotePort.ToString(CultureInfo.InvariantCulture), .. options,
        ]);

    /// <summary>The process of node <paramref name="node"/> (none while it is down).</summary>
    public IReadOnlyList<int> Find(int node) => NodeProcesses.Find("--remote-port", (RemotePort + node).ToString(CultureInfo.InvariantCulture));

    public async Task EveryServerHandedOutAsync(string what, TimeSpan timeout)
    {
        var serverPorts = Enumerable.Range(ServerPort, 3).ToHashSet();
        var handedOut = new HashSet<int>();
        await Eventually.HoldsAsync(
            async () =>
            {
                if (await HandedOutPortAsync(BalancerPort) is { } port)
                {
                    handedOut.Add(port);
                }

                return handedOut.SetEquals(serverPorts);
            },
            what,
            timeout);
    }

    /// <summary>
    /// The port the balancer hands out, or null for a refused connect (no server serves yet), for <c>SNA wait</c>, for a connection that a
    /// dying node's listener took and reset (the balancer port is shared by every node's edge),
    /// and for no reply yet (while the stats actor moves, an approach waits to be counted).
    /// </summary>
    public static async Task<int?> HandedOutPortAsync(int balancerPort)
    {
        ChatClient balancer;
        try
        {
            balancer = await ChatClient.ConnectAsync(balancerPort);
        }
        catch (System.Net.Sockets.SocketException)
        {
            // Refused: no server serves yet, so the balancer port does not listen yet.
            return null;
        }

        await using var _ = balancer;
        try
        {
            var match = Regex.Match(await balancer.ReadToEndAsync(TimeSpan.FromSeconds(5)), @"^\('127\.0\.0\.1', (\d+)\)$");
            return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }
}
