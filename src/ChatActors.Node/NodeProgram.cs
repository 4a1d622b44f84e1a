using Akka.Configuration;
using Akka.Cluster.Tools.PublishSubscribe;
using ChatActors.Hosting;
using ChatActors.Hosting.Logging;
using ChatActors.Hosting.Settings;
using ChatActors.Live;
using ChatActors.Stats.Storage;

namespace ChatActors.Node;

/// <summary>Starts one node from command-line options (the run.ps1 parameters) and stops it on Ctrl+C or SIGTERM.</summary>
public static class NodeProgram
{
    private static readonly string[] OptionNames =
    [
        "servers", "algorithm", "approach", "capacity", "db",
        "balancer-port", "server-port", "remote-port", "bind-host", "advertised-host", "config",
        "seed-nodes", "first-server", "balancer-edge", "watch-pids", "log-file", "log-to-console", "live-view", "verbose", "import-db",
        "admin-port", "admin-host", "admin-port-given", "admin-token", "drained-file",
    ];

    private static readonly TimeSpan ParentPollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The node ran and then stopped by itself, most often because the cluster downed it; run.ps1
    /// starts such a node again, as a node that was never up (exit code 1) is not.
    /// </summary>
    private const int StoppedByItselfExitCode = 3;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter errors)
    {
        var (started, exitCode) = await StartAsync(args, output, errors);
        if (started is null)
        {
            return exitCode;
        }

        var (node, liveLog) = (started.Node, started.LiveLog);
        (output, errors) = (started.Output, started.Errors);
        using var watching = new CancellationTokenSource();
        _ = StopWhenAnyExitsAsync(node.Settings.Output.WatchedProcesses, node, output, watching.Token);
        await PrintBannerAsync(node, output);

        var showing = liveLog is null ? Task.CompletedTask : ShowLiveViewAsync(node, liveLog);
        await node.StopRequested;
        await showing;
        if (liveLog is not null)
        {
            // From here on the terminal shows plain lines again, as after Ctrl+C without the view.
            var terminal = TextWriter.Synchronized(new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true });
            (output, errors) = (new NodeOutput.TeeWriter(output, terminal), new NodeOutput.TeeWriter(errors, terminal));
        }

        if (node.System.WhenTerminated.IsCompleted)
        {
            await node.StopAsync();
            await errors.WriteLineAsync("ChatActors: the node stopped unexpectedly");
            return StoppedByItselfExitCode;
        }

        var drained = node.Drained;
        var drainedFile = node.Settings.Output.DrainedFile;
        await output.WriteLineAsync(drained ? "Drained; stopping..." : "Stopping...");
        await node.StopAsync();
        await output.WriteLineAsync("Stopped.");
        if (drained && drainedFile.Length > 0)
        {
            await File.WriteAllTextAsync(drainedFile, "drained\n");
        }

        return 0;
    }

    /// <summary>The node, up; or null and the exit code of a start that failed or was stopped.</summary>
    private static async Task<(StartedNode? Started, int ExitCode)> StartAsync(string[] args, TextWriter output, TextWriter errors)
    {
        try
        {
            // Short log lines, without Akka's own start-up chatter unless verbose (ChatLogging).
            var config = ParseArguments(args)
                .WithFallback(ConfigurationFactory.ParseString("akka.stdout-loglevel = WARNING"))
                .WithFallback(ChatConfig.LoadBase());
            if (!config.GetBoolean($"{ChatSettingsReader.Section}.verbose", false))
            {
                config = ConfigurationFactory.ParseString(QuietStdoutLogger.ConfigLine).WithFallback(config);
            }

            if (config.GetString($"{ChatSettingsReader.Section}.import-db", string.Empty) is { Length: > 0 } importDb)
            {
                await output.WriteLineAsync(Import(importDb, ChatSettingsReader.Read(config)));
                return (null, 0);
            }

            var liveLog = LiveLogFile(config);
            if (liveLog is not null)
            {
                // The live view takes the terminal; the log lines go to a file.
                config = ConfigurationFactory.ParseString($"{ChatSettingsReader.Section} {{ log-to-console = off, log-file = {ChatConfig.Quote(liveLog)} }}").WithFallback(config);
            }

            (output, errors) = NodeOutput.Redirect(ChatSettingsReader.Read(config).Output, output, errors);
            // Ctrl+C and SIGTERM stop the node through the host's lifetime, also while it is still joining.
            var node = await ChatNode.StartAsync(config, TimeProvider.System, logging: (logging, settings) => logging.AddChatLines(settings.Output.Verbose));
            return (new StartedNode(node, liveLog, output, errors), 0);
        }
        catch (OperationCanceledException)
        {
            await output.WriteLineAsync("Stopped before the node was up.");
            return (null, 0);
        }
        catch (ChatStartupException ex)
        {
            await errors.WriteLineAsync($"ChatActors: {ex.Message}");
            return (null, 2);
        }
        catch (Exception ex)
        {
            // Still one line for the user; the details are in the log above it.
            await errors.WriteLineAsync($"ChatActors: cannot start: {ex.GetBaseException().Message}");
            return (null, 1);
        }
    }

    /// <summary>Carries a SQLite storage.db over to the PostgreSQL database of <c>db</c>, once, instead of starting a node.</summary>
    private static string Import(string importDb, ChatSettings settings)
    {
        var target = settings.Storage.Postgres
            ?? throw new ChatStartupException("import-db carries a SQLite storage.db over to PostgreSQL: give db (-Db) as postgresql://USER:PASSWORD@HOST:PORT/DATABASE");
        var path = Path.GetFullPath(importDb);
        var (servers, sessions) = SqliteImport.Run(path, target);
        return $"ChatActors: carried {servers} server rows and {sessions} sessions over from {path} to {target.Name}";
    }

    private static Task ShowLiveViewAsync(ChatNode node, string liveLog)
    {
        var screen = new LiveConsole(LiveConsole.Terminal(), $"balancer {node.Settings.Network.AdvertisedHost}:{node.BalancerPort}   log: {liveLog}   q or Ctrl+C stops");
        node.System.ActorOf(LiveViewActor.Props(DistributedPubSub.Get(node.System).Mediator, node.Stats, screen), "live-view");
        LiveConsole.StopOnQ(node.RequestStop, node.StopRequested);
        return screen.RunAsync(node.StopRequested);
    }

    private static async Task PrintBannerAsync(ChatNode node, TextWriter output)
    {
        var host = node.Settings.Network.AdvertisedHost;
        if (node.BalancerPort != 0)
        {
            await output.WriteLineAsync($"ChatActors balancer: {host}:{node.BalancerPort} (nc {host} {node.BalancerPort})");
        }

        if (node.Settings.Network.SharedBalancerPort)
        {
            await output.WriteLineAsync($"ChatActors node {node.Address} (Akka.Remote)");
        }

        foreach (var (server, port) in node.Endpoints.ServerNames.Zip(node.ServerPorts))
        {
            await output.WriteLineAsync($"  {server}: {host}:{port}");
        }

        if (node.AdminEndpoint is { } admin)
        {
            await output.WriteLineAsync($"ChatActors dashboard: http://{admin}/ (metrics: /metrics, health: /health/ready)");
        }

        await output.WriteLineAsync("Press Ctrl+C to stop.");
    }

    /// <summary>
    /// The log file of a node that shows the live view (run.ps1 asks for it with <c>--live-view on</c>),
    /// or null for plain log lines: also whenever the console is not a terminal.
    /// </summary>
    private static string? LiveLogFile(Config config)
    {
        if (!config.GetBoolean($"{ChatSettingsReader.Section}.live-view", false) || Console.IsOutputRedirected || Console.IsInputRedirected)
        {
            return null;
        }

        var logFile = config.GetString($"{ChatSettingsReader.Section}.log-file", string.Empty);
        var db = Path.GetFullPath(config.GetString($"{ChatSettingsReader.Section}.db", "storage.db"));
        return string.IsNullOrWhiteSpace(logFile) ? Path.Combine(Path.GetDirectoryName(db)!, "logs", "node.log") : logFile;
    }

    /// <summary>
    /// run.ps1 passes its own process and the dotnet processes that started it: if any of them
    /// is gone (killed, even with SIGKILL), nobody can stop this node any more, so it stops itself.
    /// </summary>
    private static async Task StopWhenAnyExitsAsync(IReadOnlyList<int> processIds, ChatNode node, TextWriter output, CancellationToken cancel)
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
                node.RequestStop();
                return;
            }
        }
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

            lines.Add($"{ChatSettingsReader.Section}.{name} = {ChatConfig.Quote(args[i + 1])}");
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

    private sealed record StartedNode(ChatNode Node, string? LiveLog, TextWriter Output, TextWriter Errors);
}
