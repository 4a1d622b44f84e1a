using System.Net.Sockets;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Hosting;
using ChatActors.Admin;
using ChatActors.Balancer;
using ChatActors.Hosting.Settings;
using ChatActors.Names;
using ChatActors.Session;
using ChatActors.Stats;

namespace ChatActors.Server;

/// <summary>A node's chat servers, each with its name, once they serve.</summary>
public sealed record RunningServers(IReadOnlyList<IActorRef> Servers, IReadOnlyList<string> Names);

public static class ServerHosting
{
    /// <summary>
    /// Starts this node's servers once the whole cluster delivers broadcasts to this node, and
    /// returns when each is subscribed, registered with the balancer and accepting.
    /// </summary>
    public static async Task<RunningServers> StartServersAsync(
        ActorSystem system, IActorRegistry registry, ChatSettings settings, IReadOnlyList<Socket> listeners, TimeProvider clock, ChatMetrics metrics, TimeSpan within)
    {
        if (listeners.Count == 0)
        {
            return new RunningServers([], []);
        }

        var balancer = registry.Get<BalancerActor>();
        var mediator = registry.Get<DistributedPubSub>();
        var firstIndex = settings.FirstServer
            ?? (await balancer.Ask<ServerIndicesAllocated>(new AllocateServerIndices(listeners.Count), within)).First;
        var readiness = system.ActorOf(TopicReadiness.Props(mediator), "topic-readiness");
        await readiness.Ask<TopicReady>(AwaitTopicReady.Instance, within);

        var services = new ChatServices(registry.Get<NameRegistry>(), registry.Get<CountingGate>(), mediator, mediator, clock, metrics);
        var servers = new List<IActorRef>();
        var names = new List<string>();
        for (var i = 0; i < listeners.Count; i++)
        {
            var server = ServerSettingsFor(firstIndex + i, settings);
            servers.Add(system.ActorOf(ServerActor.Props(server, listeners[i], balancer, registry.Get<ConnectionGate>(), services), server.Name));
            names.Add(server.Name);
        }

        // Servers register with the balancer before they answer, so the balancer
        // knows them all before its listener takes the first client.
        await Task.WhenAll(servers.Select(server => server.Ask<ServerServing>(AwaitServing.Instance, within)));

        // The servers hold the node's chat topic now; the probe need not receive every broadcast.
        system.Stop(readiness);
        return new RunningServers(servers, names);
    }

    private static ServerSettings ServerSettingsFor(int index, ChatSettings settings)
    {
        var (limits, timeouts) = (settings.Limits, settings.Timeouts);
        var session = new SessionSettings(
            ServerSettings.NameOf(index),
            limits.MaxLineBytes,
            timeouts.CloseDrainTimeout,
            timeouts.JoinTimeout,
            settings.Storage.Counting,
            timeouts.UnjoinedTimeout,
            limits.Input);
        return new ServerSettings(index, settings.Network.AdvertisedHost, limits.Capacity, session, limits.Outbound, limits.AddressLimits);
    }
}
