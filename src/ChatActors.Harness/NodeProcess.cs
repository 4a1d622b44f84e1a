using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace ChatActors.Harness;

/// <summary>
/// The node program of this build (ChatActors.Node.dll beside the program that starts it) as
/// its own process, on free ports, with a new storage.db in a temporary folder and the given
/// configuration over hocon/base.conf.
/// </summary>
public sealed partial class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<string> _warnings = new();
    private readonly ConcurrentQueue<string> _errors = new();

    private readonly string _folder;

    private NodeProcess(Process process, string folder)
    {
        _process = process;
        _folder = folder;
    }

    public string DbPath => Path.Combine(_folder, "storage.db");

    public int BalancerPort { get; private set; }

    public int Pid => _process.Id;

    /// <summary>Warning lines of the node's log (refusals, cut-offs): expected under this load.</summary>
    public IEnumerable<string> Warnings => _warnings;

    /// <summary>Error lines and exceptions in the node's log: a failing actor shows here.</summary>
    public IEnumerable<string> Errors => _errors;

    /// <param name="configuration">HOCON over the node's base configuration (its <c>--config</c> file).</param>
    public static async Task<NodeProcess> StartAsync(int servers, int capacity, string configuration)
    {
        var folder = Directory.CreateTempSubdirectory("chatactors-node-").FullName;
        var config = Path.Combine(folder, "node.conf");
        await File.WriteAllTextAsync(config, configuration);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = folder,
        };
        start.Environment.Remove(ProcessEnvironment.InlineSocketCompletions);
        string[] arguments =
        [
            Path.Combine(AppContext.BaseDirectory, "ChatActors.Node.dll"),
            "--db", Path.Combine(folder, "storage.db"),
            "--servers", servers.ToString(CultureInfo.InvariantCulture),
            "--capacity", capacity.ToString(CultureInfo.InvariantCulture),
            "--balancer-port", "0", "--server-port", "0", "--remote-port", "0",
            "--config", config,
        ];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var node = new NodeProcess(Process.Start(start)!, folder);
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
        Directory.Delete(_folder, recursive: true);
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
