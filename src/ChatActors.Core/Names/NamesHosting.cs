using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Hosting;

namespace ChatActors.Names;

public static class NamesHosting
{
    /// <summary>
    /// The name registry: one singleton for the whole cluster, on any node. It keeps the names of
    /// a removed node as long as the singletons wait before they move (the downing provider's margin).
    /// </summary>
    public static AkkaConfigurationBuilder WithNameRegistry(this AkkaConfigurationBuilder akka, TimeSpan relearnWindow) =>
        akka.WithSingleton<NameRegistry>(
            "names",
            (system, registry, _) => NameRegistry.Props(
                registry.Get<DistributedPubSub>(), relearnWindow, Cluster.Get(system).DowningProvider.DownRemovalMargin),
            new ClusterSingletonOptions());
}
