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
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private NodeProcess(Process process) => _process = process;

    public int BalancerPort { get; private set; }

    public List<int> ServerPorts { get; } = [];

    public IEnumerable<string> Output => _output;

    public static async Task<NodeProcess> StartAsync(string dbPath, params string[] options)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dbPath)!,
        };
        foreach (var argument in (string[])
                 [Path.Combine(AppContext.BaseDirectory, "ChatActors.Node.dll"), "--db", dbPath, "--balancer-port", "0", "--server-port", "0", "--remote-port", "0", .. options])
        {
            start.ArgumentList.Add(argument);
        }

        var node = new NodeProcess(Process.Start(start)!);
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
        using (var kill = Process.Start("kill", $"-INT {_process.Id}"))
        {
            await kill.WaitForExitAsync();
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: the node gets no chance to clean up.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

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
