using Akka.Cluster.Hosting;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Hosting;

namespace ChatActors.Names;

public static class NamesHosting
{
    /// <summary>The name registry: one singleton for the whole cluster, on any node.</summary>
    public static AkkaConfigurationBuilder WithNameRegistry(this AkkaConfigurationBuilder akka, TimeSpan relearnWindow) =>
        akka.WithSingleton<NameRegistry>(
            "names",
            (_, registry, _) => NameRegistry.Props(registry.Get<DistributedPubSub>(), relearnWindow),
            new ClusterSingletonOptions());
}
