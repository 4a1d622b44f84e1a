using System.Runtime.InteropServices;
using Akka.Configuration;
using ChatActors.Hosting;

namespace ChatActors.Node;

/// <summary>Starts one node from command-line options (the run.ps1 parameters) and stops it on Ctrl+C or SIGTERM.</summary>
public static class NodeProgram
{
    private static readonly string[] OptionNames =
    [
        "servers", "algorithm", "approach", "capacity", "db",
        "balancer-port", "server-port", "remote-port", "bind-host", "advertised-host", "config",
    ];

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter errors)
    {
        ChatNode node;
        try
        {
            var config = ParseArguments(args).WithFallback(ChatConfig.LoadBase());
            node = await ChatNode.StartAsync(config, TimeProvider.System);
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

        var stopRequested = new TaskCompletionSource();
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnStopSignal);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnStopSignal);

        var host = node.Options.AdvertisedHost;
        await output.WriteLineAsync($"ChatActors balancer: {host}:{node.BalancerPort} (nc {host} {node.BalancerPort})");
        for (var i = 0; i < node.ServerPorts.Count; i++)
        {
            await output.WriteLineAsync($"  Server-{i + 1}: {host}:{node.ServerPorts[i]}");
        }

        await output.WriteLineAsync("Press Ctrl+C to stop.");

        var ended = await Task.WhenAny(stopRequested.Task, node.Terminated);
        if (ended == node.Terminated)
        {
            await errors.WriteLineAsync("ChatActors: the node stopped unexpectedly");
            return 1;
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
        }
    }

    /// <summary>
    /// Turns <c>--name value</c> pairs into the chat-actors HOCON section; <c>--config FILE</c>
    /// layers a HOCON file (a per-node override) under the options and over the base files.
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
                overrides = ReadConfigFile(args[i + 1]);
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
