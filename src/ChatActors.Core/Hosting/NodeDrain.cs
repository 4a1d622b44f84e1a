using Akka.Actor;
using ChatActors.Hosting.Settings;
using ChatActors.Server;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ChatActors.Hosting;

/// <summary>
/// Takes this node out gently, for an upgrade or a restart (POST /drain, <c>run.ps1 -Drain</c>,
/// SIGTERM): its edge stops at once (the other nodes' edges share the balancer port), the
/// balancer stops handing out its servers, its clients are told to connect again and are closed
/// one by one over <see cref="AdminSettings.DrainWindow"/>, each leave counted; then the node
/// leaves the cluster and stops as after Ctrl+C (exit code 0).
/// </summary>
public sealed class NodeDrain(ChatNodeService node, ChatSettings settings, IHostApplicationLifetime lifetime, ILogger<NodeDrain> log)
{
    /// <summary>Beyond the window, what the last leaves may take to be journaled.</summary>
    private static readonly TimeSpan LeavesWithin = TimeSpan.FromSeconds(30);

    private readonly Lock _lock = new();
    private Task? _draining;

    public bool Started
    {
        get
        {
            lock (_lock)
            {
                return _draining is not null;
            }
        }
    }

    /// <summary>Starts the drain (once; asked again, it is the same drain) and completes when the node begins to stop.</summary>
    public Task DrainAsync()
    {
        lock (_lock)
        {
            return _draining ??= RunAsync();
        }
    }

    private async Task RunAsync()
    {
        var window = settings.Admin.DrainWindow;
        log.LogWarning("Draining: the servers of this node are no longer handed out; their clients are told to connect again over {Window} s, then this node leaves", window.TotalSeconds);
        try
        {
            if (node.Edge is { } edge)
            {
                await edge.GracefulStop(TimeSpan.FromSeconds(5));
            }

            await Task.WhenAll(node.Servers.Select(server => server.GracefulStop(window + LeavesWithin, new DrainServing(window))));
        }
        catch (TaskCanceledException)
        {
            log.LogWarning("The drain did not end within {Timeout} s; stopping the node anyway", (window + LeavesWithin).TotalSeconds);
        }
        finally
        {
            log.LogInformation("Drained: leaving the cluster");
            lifetime.StopApplication();
        }
    }
}
