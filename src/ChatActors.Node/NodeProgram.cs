using System.Runtime.InteropServices;
using Akka.Configuration;
using Akka.Cluster.Tools.PublishSubscribe;
using ChatActors.Hosting;
using ChatActors.Live;

namespace ChatActors.Node;

/// <summary>Starts one node from command-line options (the run.ps1 parameters) and stops it on Ctrl+C or SIGTERM.</summary>
public static class NodeProgram
{
    private static readonly string[] OptionNames =
    [
        "servers", "algorithm", "approach", "capacity", "db",
        "balancer-port", "server-port", "remote-port", "bind-host", "advertised-host", "config",
        "seed-nodes", "first-server", "balancer-edge", "watch-pids", "log-file", "log-to-console", "live-view", "verbose",
    ];

    private static readonly TimeSpan ParentPollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The node ran and then stopped by itself, most often because the cluster downed it; run.ps1
    /// starts such a node again, as a node that was never up (exit code 1) is not.
    /// </summary>
    private const int StoppedByItselfExitCode = 3;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter errors)
    {
        // Ctrl+C is taken from the start: a node still joining its cluster stops joining.
        var stopRequested = new TaskCompletionSource();
        var started = false;
        using var stopping = new CancellationTokenSource();
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnStopSignal);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnStopSignal);

        ChatNode node;
        IReadOnlyList<int> watchedProcesses;
        string? liveLog = null;
        try
        {
            // Short log lines, without Akka's own start-up chatter unless verbose (ChatLogger).
            var config = ParseArguments(args)
                .WithFallback(ConfigurationFactory.ParseString($"{ChatLogger.ConfigLine}\nakka.stdout-loglevel = WARNING"))
                .WithFallback(ChatConfig.LoadBase());
            if (!config.GetBoolean($"{ChatOptions.Section}.verbose", false))
            {
                config = ConfigurationFactory.ParseString(QuietStdoutLogger.ConfigLine).WithFallback(config);
            }

            liveLog = LiveLogFile(config);
            if (liveLog is not null)
            {
                // The live view takes the terminal; the log lines go to a file.
                config = ConfigurationFactory.ParseString($"{ChatOptions.Section} {{ log-to-console = off, log-file = {ChatConfig.Quote(liveLog)} }}").WithFallback(config);
            }

            watchedProcesses = ProcessIds(config.GetString($"{ChatOptions.Section}.watch-pids", string.Empty));
            (output, errors) = NodeOutput.Redirect(config, output, errors);
            node = await ChatNode.StartAsync(config, TimeProvider.System, stopping.Token);
            started = true;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            await output.WriteLineAsync("Stopped before the node was up.");
            return 0;
        }
        catch (ChatStartupException ex)
        {
            await errors.WriteLineAsync($"ChatActors: {ex.Message}");
            return 2;
        }
        catch (Exception ex)
        {
            // Still one line for the user; the details are in the log above it.
            await errors.WriteLineAsync($"ChatActors: cannot start: {ex.GetBaseException().Message}");
            return 1;
        }

        using var watching = new CancellationTokenSource();
        _ = StopWhenAnyExitsAsync(watchedProcesses, stopRequested, output, watching.Token);

        var host = node.Options.AdvertisedHost;
        if (node.BalancerPort != 0)
        {
            await output.WriteLineAsync($"ChatActors balancer: {host}:{node.BalancerPort} (nc {host} {node.BalancerPort})");
        }

        if (node.Options.SharedBalancerPort)
        {
            await output.WriteLineAsync($"ChatActors node {node.Address} (Akka.Remote)");
        }

        foreach (var (server, port) in node.ServerNames.Zip(node.ServerPorts))
        {
            await output.WriteLineAsync($"  {server}: {host}:{port}");
        }

        await output.WriteLineAsync("Press Ctrl+C to stop.");

        var showing = Task.CompletedTask;
        if (liveLog is not null)
        {
            var screen = new LiveConsole(LiveConsole.Terminal(), $"balancer {host}:{node.BalancerPort}   log: {liveLog}   q or Ctrl+C stops");
            node.System.ActorOf(LiveViewActor.Props(DistributedPubSub.Get(node.System).Mediator, node.Stats, screen), "live-view");
            LiveConsole.StopOnQ(stopRequested);
            showing = screen.RunAsync(Task.WhenAny(stopRequested.Task, node.Terminated));
        }

        var ended = await Task.WhenAny(stopRequested.Task, node.Terminated);
        await showing;
        if (liveLog is not null)
        {
            // From here on the terminal shows plain lines again, as after Ctrl+C without the view.
            var terminal = TextWriter.Synchronized(new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true });
            (output, errors) = (new NodeOutput.TeeWriter(output, terminal), new NodeOutput.TeeWriter(errors, terminal));
        }

        if (ended == node.Terminated)
        {
            await errors.WriteLineAsync("ChatActors: the node stopped unexpectedly");
            return StoppedByItselfExitCode;
        }

        await output.WriteLineAsync("Stopping...");
        await node.StopAsync();
        await output.WriteLineAsync("Stopped.");
        return 0;

        void OnStopSignal(PosixSignalContext context)
        {
            // Keep the process alive until the node has shut down cleanly.
            context.Cancel = true;
            stopRequested.TrySetResult();
            if (!started)
            {
                stopping.Cancel();
            }
        }
    }

    /// <summary>
    /// The log file of a node that shows the live view (run.ps1 asks for it with <c>--live-view on</c>),
    /// or null for plain log lines: also whenever the console is not a terminal.
    /// </summary>
    private static string? LiveLogFile(Config config)
    {
        if (!config.GetBoolean($"{ChatOptions.Section}.live-view", false) || Console.IsOutputRedirected || Console.IsInputRedirected)
        {
            return null;
        }

        var logFile = config.GetString($"{ChatOptions.Section}.log-file", string.Empty);
        var db = Path.GetFullPath(config.GetString($"{ChatOptions.Section}.db", "storage.db"));
        return string.IsNullOrWhiteSpace(logFile) ? Path.Combine(Path.GetDirectoryName(db)!, "logs", "node.log") : logFile;
    }

    /// <summary>
    /// run.ps1 passes its own process and the dotnet processes that started it: if any of them
    /// is gone (killed, even with SIGKILL), nobody can stop this node any more, so it stops itself.
    /// </summary>
    private static async Task StopWhenAnyExitsAsync(IReadOnlyList<int> processIds, TaskCompletionSource stopRequested, TextWriter output, CancellationToken cancel)
    {
        if (processIds.Count == 0)
        {
            return;
        }

        using var poll = new PeriodicTimer(ParentPollInterval);
        while (await poll.WaitForNextTickAsync(cancel))
        {
            var gone = processIds.FirstOrDefault(pid => !ProcessWatch.IsRunning(pid));
            if (gone != 0)
            {
                await output.WriteLineAsync($"ChatActors: process {gone} that started this node is gone; stopping");
                stopRequested.TrySetResult();
                return;
            }
        }
    }

    private static List<int> ProcessIds(string text)
    {
        var ids = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, out var pid) || pid <= 0)
            {
                throw new ChatStartupException($"watch-pids must be process ids separated by commas, not \"{text}\"");
            }

            ids.Add(pid);
        }

        return ids;
    }

    /// <summary>
    /// Turns <c>--name value</c> pairs into the chat-actors HOCON section; <c>--config FILE</c>
    /// layers a HOCON file under the options and over the base files. Several files layer in
    /// order, each over the ones before it (run.ps1 passes a node's own file, then the user's).
    /// </summary>
    public static Config ParseArguments(IReadOnlyList<string> args)
    {
        var lines = new List<string>();
        var overrides = Config.Empty;
        for (var i = 0; i < args.Count; i += 2)
        {
            var name = args[i].StartsWith("--", StringComparison.Ordinal) ? args[i][2..].ToLowerInvariant() : null;
            if (name is null || !OptionNames.Contains(name))
            {
                throw new ChatStartupException($"unknown option \"{args[i]}\"; options: {string.Join(", ", OptionNames.Select(option => "--" + option))}");
            }

            if (i + 1 >= args.Count)
            {
                throw new ChatStartupException($"option --{name} needs a value");
            }

            if (name == "config")
            {
                overrides = ReadConfigFile(args[i + 1]).WithFallback(overrides);
                continue;
            }

            lines.Add($"{ChatOptions.Section}.{name} = {ChatConfig.Quote(args[i + 1])}");
        }

        return ConfigurationFactory.ParseString(string.Join("\n", lines)).WithFallback(overrides);
    }

    private static Config ReadConfigFile(string path)
    {
        try
        {
            return ConfigurationFactory.ParseString(File.ReadAllText(path));
        }
        catch (Exception ex)
        {
            throw new ChatStartupException($"cannot read the configuration file {path}: {ex.Message}");
        }
    }
}
