using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ChatActors.Tests.Support;

/// <summary>
/// The node program as its own OS process on free ports, so a test can stop it with
/// SIGINT (Ctrl+C) or kill it with SIGKILL and start it again on the same storage.db.
/// </summary>
public sealed partial class NodeProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly bool _ownProcessGroup;

    private NodeProcess(Process process, bool ownProcessGroup)
    {
        _process = process;
        _ownProcessGroup = ownProcessGroup;
    }

    public int BalancerPort { get; private set; }

    public List<int> ServerPorts { get; } = [];

    public IEnumerable<string> Output => _output;

    /// <summary>Starts the node program the tests were built with.</summary>
    public static Task<NodeProcess> StartAsync(string dbPath, params string[] options) =>
        StartAsync(
            "dotnet",
            [Path.Combine(AppContext.BaseDirectory, "ChatActors.Node.dll"), "--db", dbPath, "--balancer-port", "0", "--server-port", "0", "--remote-port", "0", .. options],
            Path.GetDirectoryName(dbPath)!,
            ownProcessGroup: false);

    /// <summary>
    /// Starts <c>dotnet pwsh run.ps1</c> in its own process group (setsid), so that SIGINT
    /// reaches pwsh and the node together, as Ctrl+C in a terminal does.
    /// </summary>
    public static Task<NodeProcess> StartRunScriptAsync(string repository, params string[] parameters) =>
        StartAsync("setsid", ["dotnet", "pwsh", "run.ps1", .. parameters], repository, ownProcessGroup: true);

    private static async Task<NodeProcess> StartAsync(string command, string[] arguments, string workingDirectory, bool ownProcessGroup)
    {
        var start = new ProcessStartInfo(command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var node = new NodeProcess(Process.Start(start)!, ownProcessGroup);
        node._process.OutputDataReceived += (_, line) => node.OnOutput(line.Data);
        node._process.ErrorDataReceived += (_, line) => node.OnOutput(line.Data);
        node._process.BeginOutputReadLine();
        node._process.BeginErrorReadLine();
        try
        {
            await node._ready.Task.WaitAsync(StartTimeout);
        }
        catch
        {
            node.Kill();
            throw new InvalidOperationException("the node did not start:\n" + string.Join("\n", node.Output));
        }

        return node;
    }

    /// <summary>Ctrl+C: SIGINT, then the exit code once the node has shut down.</summary>
    public async Task<int> InterruptAsync()
    {
        await SignalAsync("-INT");
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return _process.ExitCode;
    }

    /// <summary>SIGKILL to the started process alone (for run.ps1: the <c>dotnet pwsh</c> process, not the nodes it started).</summary>
    public async Task KillStartedProcessOnlyAsync()
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGKILL: the node gets no chance to clean up.</summary>
    public void Kill()
    {
        if (_process.HasExited)
        {
            return;
        }

        if (_ownProcessGroup)
        {
            SignalAsync("-KILL").GetAwaiter().GetResult();
        }

        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    private async Task SignalAsync(string signal)
    {
        var target = _ownProcessGroup ? $"-- -{_process.Id}" : _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var kill = Process.Start("kill", $"{signal} {target}");
        await kill.WaitForExitAsync();
    }

    public string OutputText => string.Join("\n", Output);

    /// <summary>The last stats line the node logged, from "date=" on.</summary>
    public string? LastStatsLine() =>
        Output.Select(line => StatsLine().Match(line)).Where(match => match.Success).Select(match => match.Groups[1].Value).LastOrDefault();

    public ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            _ready.TrySetException(new InvalidOperationException("the node exited"));
            return;
        }

        _output.Enqueue(line);
        var balancer = BalancerLine().Match(line);
        if (balancer.Success)
        {
            BalancerPort = int.Parse(balancer.Groups[1].Value);
        }

        var server = ServerLine().Match(line);
        if (server.Success)
        {
            ServerPorts.Add(int.Parse(server.Groups[1].Value));
        }

        if (line.StartsWith("Press Ctrl+C", StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }
    }

    [GeneratedRegex(@"^ChatActors balancer: [^:]+:(\d+)")]
    private static partial Regex BalancerLine();

    [GeneratedRegex(@"^  Server-\d+: [^:]+:(\d+)$")]
    private static partial Regex ServerLine();

    [GeneratedRegex(@"\] stats (date=.*)$")]
    private static partial Regex StatsLine();
}
