using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace ChatActors.Soak;

/// <summary>
/// The node program of this build as its own process, on free ports, with a new storage.db
/// and the limits per address applied to loopback (every 127.x.y.z is an address of its own).
/// </summary>
public sealed partial class NodeUnderTest : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<string> _warnings = new();
    private readonly ConcurrentQueue<string> _errors = new();

    private NodeUnderTest(Process process, string dbPath)
    {
        _process = process;
        DbPath = dbPath;
    }

    public string DbPath { get; }

    public int BalancerPort { get; private set; }

    public int Pid => _process.Id;

    /// <summary>Warning lines of the node's log (refusals, cut-offs): expected under this load.</summary>
    public IEnumerable<string> Warnings => _warnings;

    /// <summary>Error lines and exceptions in the node's log: a failing actor shows here.</summary>
    public IEnumerable<string> Errors => _errors;

    public static async Task<NodeUnderTest> StartAsync(SoakOptions options)
    {
        var folder = Directory.CreateTempSubdirectory("chatactors-soak-").FullName;
        var config = Path.Combine(folder, "soak.conf");
        await File.WriteAllTextAsync(config, "chat-actors.address-limits-exempt-loopback = off\n");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = folder,
        };
        string[] arguments =
        [
            Path.Combine(AppContext.BaseDirectory, "ChatActors.Node.dll"),
            "--db", Path.Combine(folder, "storage.db"),
            "--servers", options.Servers.ToString(CultureInfo.InvariantCulture),
            "--capacity", options.Capacity.ToString(CultureInfo.InvariantCulture),
            "--balancer-port", "0", "--server-port", "0", "--remote-port", "0",
            "--config", config,
        ];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var node = new NodeUnderTest(Process.Start(start)!, Path.Combine(folder, "storage.db"));
        node._process.OutputDataReceived += (_, line) => node.OnOutput(line.Data);
        node._process.ErrorDataReceived += (_, line) => node.OnOutput(line.Data);
        node._process.BeginOutputReadLine();
        node._process.BeginErrorReadLine();
        await node._ready.Task.WaitAsync(TimeSpan.FromMinutes(2));
        return node;
    }

    /// <summary>Resident memory now, from /proc.</summary>
    public long RssBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }

    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    /// <summary>SIGTERM, as a service manager stops it: the node flushes storage.db and exits.</summary>
    public async Task<int> StopAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        return _process.ExitCode;
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            _ready.TrySetException(new InvalidOperationException("the node exited before it was up"));
            return;
        }

        if (line.Contains("[ERROR]", StringComparison.Ordinal) || line.Contains("Exception", StringComparison.Ordinal))
        {
            _errors.Enqueue(line);
        }
        else if (line.Contains("[WARNING]", StringComparison.Ordinal))
        {
            _warnings.Enqueue(line);
        }

        if (BalancerLine().Match(line) is { Success: true } balancer)
        {
            BalancerPort = int.Parse(balancer.Groups[1].Value, CultureInfo.InvariantCulture);
        }

        if (line.StartsWith("Press Ctrl+C", StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }
    }

    [GeneratedRegex(@"^ChatActors balancer: [^:]+:(\d+)")]
    private static partial Regex BalancerLine();
}
