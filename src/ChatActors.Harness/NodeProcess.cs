using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace ChatActors.Harness;

/// <summary>
/// The node program of this build (ChatActors.Node.dll beside the program that starts it), or
/// run.ps1, as its own OS process on free ports, so that a test, the soak or the benchmark can
/// load it, measure it, stop it with a signal or kill it and start it again on the same storage.db.
/// </summary>
public sealed partial class NodeProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly bool _ownProcessGroup;

    /// <summary>A temporary folder this process was started in, deleted with it; null when the caller owns the folder.</summary>
    private string? _temporaryFolder;

    private NodeProcess(Process process, bool ownProcessGroup)
    {
        _process = process;
        _ownProcessGroup = ownProcessGroup;
        Meter = new ProcessMeter(process.Id);
    }

    public int BalancerPort { get; private set; }

    public List<int> ServerPorts { get; } = [];

    public int Pid => _process.Id;

    /// <summary>Resident memory and CPU time of the started process.</summary>
    public ProcessMeter Meter { get; }

    public IEnumerable<string> Output => _output;

    public string OutputText => string.Join("\n", Output);

    /// <summary>Warning lines of the node's log (refusals, cut-offs).</summary>
    public IEnumerable<string> Warnings => Output.Where(line => line.Contains("[WARNING]", StringComparison.Ordinal));

    /// <summary>Error lines and exceptions in the node's log: a failing actor shows here.</summary>
    public IEnumerable<string> Errors => Output.Where(line => line.Contains("[ERROR]", StringComparison.Ordinal) || line.Contains("Exception", StringComparison.Ordinal));

    /// <summary>The temporary folder this process was started in.</summary>
    public string Folder => _temporaryFolder ?? throw new InvalidOperationException("the process was started in a folder of the caller's");

    /// <summary>The storage.db of a node started in a temporary folder.</summary>
    public string DbPath => Path.Combine(Folder, "storage.db");

    /// <summary>Starts the node program on free ports with the given storage.db and options.</summary>
    public static Task<NodeProcess> StartAsync(string dbPath, params string[] options) =>
        StartInFolderAsync(dbPath, Path.GetDirectoryName(dbPath)!, options);

    /// <summary>Starts the node program on free ports in <paramref name="workingFolder"/>, with what <c>--db</c> takes (a path or a postgresql:// URL) and options; without an admin port unless they give one.</summary>
    public static Task<NodeProcess> StartInFolderAsync(string db, string workingFolder, params string[] options) =>
        StartAsync(
            "dotnet",
            [Path.Combine(AppContext.BaseDirectory, "ChatActors.Node.dll"), "--db", db, "--balancer-port", "0", "--server-port", "0", "--remote-port", "0", "--admin-port", "0", .. options],
            workingFolder,
            ownProcessGroup: false);

    /// <summary>
    /// Starts the node program inside a Linux network namespace (<c>ip netns exec</c>), a host of
    /// its own; <paramref name="options"/> give its addresses and ports.
    /// </summary>
    public static Task<NodeProcess> StartInNetworkNamespaceAsync(string networkNamespace, string workingFolder, params string[] options) =>
        StartAsync("ip", ["netns", "exec", networkNamespace, "dotnet", Path.Combine(AppContext.BaseDirectory, "ChatActors.Node.dll"), .. options], workingFolder, ownProcessGroup: false);

    /// <summary>Starts run.ps1 as <see cref="StartRunScriptAsync"/> does, inside a Linux network namespace (a host of its own).</summary>
    public static Task<NodeProcess> StartRunScriptInNetworkNamespaceAsync(string repository, string networkNamespace, params string[] parameters) =>
        StartAsync("ip", ["netns", "exec", networkNamespace, "setsid", "dotnet", "pwsh", "run.ps1", .. parameters], repository, ownProcessGroup: true);

    /// <summary>Starts the node program in a new temporary folder (deleted on dispose) with a new storage.db and <paramref name="configuration"/> (HOCON) over its base configuration.</summary>
    /// <param name="options">More node options, after the ones above (a later one wins).</param>
    public static async Task<NodeProcess> StartInTemporaryFolderAsync(int servers, int capacity, string configuration, params string[] options)
    {
        var folder = Directory.CreateTempSubdirectory("chatactors-node-").FullName;
        var config = Path.Combine(folder, "node.conf");
        await File.WriteAllTextAsync(config, configuration);
        var node = await StartAsync(
            Path.Combine(folder, "storage.db"),
            ["--servers", servers.ToString(CultureInfo.InvariantCulture), "--capacity", capacity.ToString(CultureInfo.InvariantCulture), "--config", config, .. options]);
        node.Own(folder);
        return node;
    }

    /// <summary>
    /// Starts run.ps1 as <see cref="StartRunScriptAsync"/> does, in a new temporary folder that it
    /// owns as <see cref="StartInTemporaryFolderAsync"/> does; <paramref name="parameters"/> are
    /// run.ps1's, given that folder.
    /// </summary>
    public static async Task<NodeProcess> StartRunScriptInTemporaryFolderAsync(string repository, string folderPrefix, Func<string, string[]> parameters)
    {
        var folder = Directory.CreateTempSubdirectory(folderPrefix).FullName;
        try
        {
            var run = await StartRunScriptAsync(repository, parameters(folder));
            run.Own(folder);
            return run;
        }
        catch
        {
            Directory.Delete(folder, recursive: true);
            throw;
        }
    }

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
        start.Environment.Remove(ProcessEnvironment.InlineSocketCompletions);
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
            throw new InvalidOperationException("the node did not start:\n" + node.OutputText);
        }

        return node;
    }

    /// <summary>Ctrl+C: SIGINT, then the exit code once the node has shut down.</summary>
    public Task<int> InterruptAsync() => SignalAndWaitAsync("-INT", TimeSpan.FromSeconds(30));

    /// <summary>SIGTERM, as a service manager stops it: the node flushes storage.db and exits; its exit code.</summary>
    public Task<int> StopAsync() => SignalAndWaitAsync("-TERM", TimeSpan.FromMinutes(1));

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

    /// <summary>The last stats line the node logged, from "date=" on.</summary>
    public string? LastStatsLine() =>
        Output.Select(line => StatsLine().Match(line)).Where(match => match.Success).Select(match => match.Groups[1].Value).LastOrDefault();

    public ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= RemoveOnExit;
        Remove();
        return ValueTask.CompletedTask;
    }

    /// <summary>The temporary folder goes with the process, on dispose, or when Ctrl+C or SIGTERM ends the tool before its own clean-up.</summary>
    private void Own(string temporaryFolder)
    {
        _temporaryFolder = temporaryFolder;
        AppDomain.CurrentDomain.ProcessExit += RemoveOnExit;
    }

    private void RemoveOnExit(object? sender, EventArgs e) => Remove();

    private void Remove()
    {
        Kill();
        _process.Dispose();
        if (_temporaryFolder is not null && Directory.Exists(_temporaryFolder))
        {
            Directory.Delete(_temporaryFolder, recursive: true);
        }
    }

    private async Task<int> SignalAndWaitAsync(string signal, TimeSpan within)
    {
        await SignalAsync(signal);
        await _process.WaitForExitAsync().WaitAsync(within);
        return _process.ExitCode;
    }

    private async Task SignalAsync(string signal)
    {
        var target = _ownProcessGroup ? $"-- -{_process.Id}" : _process.Id.ToString(CultureInfo.InvariantCulture);
        using var kill = Process.Start("kill", $"{signal} {target}")!;
        await kill.WaitForExitAsync();
    }

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            _ready.TrySetException(new InvalidOperationException("the node exited"));
            return;
        }

        _output.Enqueue(line);
        if (BalancerLine().Match(line) is { Success: true } balancer)
        {
            BalancerPort = int.Parse(balancer.Groups[1].Value, CultureInfo.InvariantCulture);
        }

        if (ServerLine().Match(line) is { Success: true } server)
        {
            ServerPorts.Add(int.Parse(server.Groups[1].Value, CultureInfo.InvariantCulture));
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
