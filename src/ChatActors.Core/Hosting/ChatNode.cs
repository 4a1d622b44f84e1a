using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.Hosting;
using ChatActors.Admin;
using ChatActors.Hosting.Settings;
using ChatActors.Stats;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ChatActors.Hosting;

/// <summary>
/// One running ChatActors node (its <see cref="ChatHost"/>, started): a member of the chat
/// cluster with its servers (all of them in the <c>fork</c> approach, one in the
/// <c>process</c> approach), the balancer's TCP edge, and the managers and proxies of the
/// cluster singletons (balancer, name registry, stats and its storage.db writer).
/// </summary>
public sealed class ChatNode : IAsyncDisposable
{
    private readonly IHost _host;
    private Task? _stopped;

    private ChatNode(IHost host, NodeEndpoints endpoints)
    {
        _host = host;
        Endpoints = endpoints;
        var stopRequested = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(() => stopRequested.TrySetResult());
        StopRequested = stopRequested.Task;
    }

    public ActorSystem System => _host.Services.GetRequiredService<ActorSystem>();

    public ChatSettings Settings => _host.Services.GetRequiredService<ChatSettings>();

    public NodeEndpoints Endpoints { get; }

    /// <summary>The balancer edge's port, or 0 when this node runs no edge.</summary>
    public int BalancerPort => Endpoints.BalancerPort;

    public IReadOnlyList<int> ServerPorts => Endpoints.ServerPorts;

    /// <summary>Where the admin port (metrics, health, dashboard) listens; null when this node has none.</summary>
    public System.Net.IPEndPoint? AdminEndpoint => _host.Services.GetRequiredService<AdminPlan>().Endpoint;

    /// <summary>The proxy of the stats singleton.</summary>
    public IActorRef Stats => _host.Services.GetRequiredService<IRequiredActor<StatsActor>>().ActorRef;

    public Address Address => Cluster.Get(System).SelfAddress;

    /// <summary>Completes when the node begins to stop: asked to (Ctrl+C, SIGTERM, <see cref="RequestStop"/>), or because its actor system ended by itself.</summary>
    public Task StopRequested { get; }

    /// <param name="stopping">Cancelled before the node is up (as Ctrl+C and SIGTERM do through the host), it stops joining and throws <see cref="OperationCanceledException"/>.</param>
    public static async Task<ChatNode> StartAsync(Config config, TimeProvider clock, CancellationToken stopping = default, Action<ILoggingBuilder, ChatSettings>? logging = null)
    {
        var host = ChatHost.Build(config, clock, logging);
        try
        {
            await host.StartAsync(stopping);
            return new ChatNode(host, host.Services.GetRequiredService<ChatNodeService>().Endpoints!);
        }
        catch
        {
            host.Services.GetRequiredService<NodeListeners>().Dispose();
            await host.StopAsync();
            host.Dispose();
            throw;
        }
    }

    /// <summary>The node was drained (POST /drain, SIGTERM) rather than stopped outright.</summary>
    public bool Drained => _host.Services.GetRequiredService<NodeDrain>().Started;

    public void RequestStop() => _host.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();

    /// <summary>Stops every actor (listeners close, sessions end, each leave journaled), leaves the cluster, and ends the host; once.</summary>
    public Task StopAsync() => _stopped ??= StopHostAsync();

    private async Task StopHostAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
