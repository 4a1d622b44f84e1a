using Akka.Actor;
using Akka.Hosting;
using ChatActors.Admin;
using ChatActors.Balancer;
using ChatActors.Hosting.Settings;
using ChatActors.Server;
using ChatActors.Stats;
using Microsoft.Extensions.Hosting;

namespace ChatActors.Hosting;

/// <summary>Where this node's clients reach it, once it serves.</summary>
/// <param name="BalancerPort">The balancer edge's port, or 0 when this node runs no edge.</param>
/// <param name="ServerNames">This node's servers' names, in the order of <paramref name="ServerPorts"/>.</param>
public sealed record NodeEndpoints(int BalancerPort, IReadOnlyList<int> ServerPorts, IReadOnlyList<string> ServerNames);

/// <summary>
/// The node's own start, once Akka.Hosting has started the actor system with its singletons
/// and gates: it joins the cluster, starts this node's servers and then the balancer's edge
/// (so that the edge hands out no server before the cluster delivers broadcasts here), and
/// adds their stops to the coordinated shutdown. The host stops the node through Akka's
/// coordinated shutdown (<see cref="NodeShutdown"/>).
/// </summary>
public sealed class ChatNodeService(ActorSystem system, ActorRegistry registry, ChatSettings settings, NodeListeners listeners, TimeProvider clock, ChatMetrics metrics) : IHostedService
{
    private static readonly TimeSpan StartWithin = TimeSpan.FromSeconds(20);

    public NodeEndpoints? Endpoints { get; private set; }

    /// <summary>This node's servers, once it serves.</summary>
    public IReadOnlyList<IActorRef> Servers { get; private set; } = [];

    /// <summary>This node's balancer edge, once it serves; null when it runs none.</summary>
    public IActorRef? Edge { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await ClusterJoin.JoinAsync(system, settings.Network.SeedNodes, StartWithin, cancellationToken);
        var running = await ServerHosting.StartServersAsync(system, registry, settings, listeners.Servers, clock, metrics, StartWithin);
        var edgeListener = listeners.BindSharedEdge();
        var edge = edgeListener is null
            ? null
            : await BalancerHosting.StartEdgeAsync(system, registry, edgeListener, settings, metrics, hasServers: running.Servers.Count > 0, StartWithin);
        listeners.HandOver();
        NodeShutdown.Register(system, edge, running.Servers, settings.HoldsStorage ? registry.Get<StatsActor>() : null);
        (Servers, Edge) = (running.Servers, edge);
        Endpoints = new NodeEndpoints(
            edgeListener is null ? 0 : Net.Ports.PortOf(edgeListener),
            listeners.Servers.Select(Net.Ports.PortOf).ToList(),
            running.Names);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
