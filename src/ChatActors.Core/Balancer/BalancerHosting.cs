using System.Net.Sockets;
using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Hosting;
using ChatActors.Admin;
using ChatActors.Hosting.Settings;
using ChatActors.Stats;

namespace ChatActors.Balancer;

public static class BalancerHosting
{
    /// <summary>
    /// The balancer, one singleton for the whole cluster on any node, and this node's gate that
    /// holds every address to its connection limits.
    /// </summary>
    public static AkkaConfigurationBuilder WithChatBalancer(this AkkaConfigurationBuilder akka, ChatSettings settings, TimeProvider clock)
    {
        var (timeouts, limits) = (settings.Timeouts, settings.Limits);
        return akka
            .WithSingleton<BalancerActor>(
                "balancer",
                (_, registry, _) => BalancerActor.Props(
                    settings.Algorithm, timeouts.ReservationTimeout, limits.AddressLimits.ReservationsPerAddress, registry.Get<DistributedPubSub>(), timeouts.RelearnWindow, clock),
                new ClusterSingletonOptions())
            .WithActors((system, registry, resolver) => registry.Register<ConnectionGate>(system.ActorOf(
                ConnectionGate.Props(limits.AddressLimits, registry.Get<CountingGate>(), settings.Storage.Counting, resolver.GetService<ChatMetrics>()),
                "connection-gate")));
    }

    /// <summary>
    /// The balancer's TCP edge on this node. With servers of its own the balancer knows one, so
    /// the edge is awaited until its port answers; a node without servers hands out those of others.
    /// </summary>
    public static async Task<IActorRef> StartEdgeAsync(
        ActorSystem system, IActorRegistry registry, Socket listener, ChatSettings settings, ChatMetrics metrics, bool hasServers, TimeSpan within)
    {
        var edge = system.ActorOf(
            BalancerEdge.Props(
                listener,
                registry.Get<BalancerActor>(),
                registry.Get<CountingGate>(),
                settings.Timeouts.BalancerReplyTimeout,
                settings.Storage.Counting,
                settings.Limits.AddressLimits,
                registry.Get<DistributedPubSub>(),
                metrics),
            "balancer-edge");
        if (hasServers)
        {
            await edge.Ask<EdgeListening>(AwaitEdgeListening.Instance, within);
        }

        return edge;
    }
}
