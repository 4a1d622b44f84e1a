using System.Diagnostics.Metrics;
using Akka.Actor;
using Akka.Cluster;

namespace ChatActors.Admin;

/// <summary>The cluster as /metrics shows it, read when scraped: its members by status, and where each singleton runs.</summary>
public static class ClusterMetrics
{
    /// <param name="system">The node's actor system, asked for when scraped (it starts after the host is built).</param>
    public static void Observe(IMeterFactory meters, Func<ActorSystem> system)
    {
        var meter = meters.Create(ChatMetrics.MeterName);
        Cluster Cluster() => Akka.Cluster.Cluster.Get(system());
        meter.CreateObservableGauge(
            "chatactors.cluster.members",
            () => ClusterPicture.Of(Cluster())
                .GroupBy(node => (node.Status, node.Reachable))
                .Select(group => new Measurement<int>(
                    group.Count(),
                    new KeyValuePair<string, object?>("status", group.Key.Status),
                    new KeyValuePair<string, object?>("reachable", group.Key.Reachable))),
            "{node}",
            "Members of the cluster as this node sees them, by status and reachability");
        meter.CreateObservableGauge(
            "chatactors.singleton.location",
            () => ClusterPicture.Of(Cluster()).SelectMany(node => node.Singletons.Select(singleton => new Measurement<int>(
                1,
                new KeyValuePair<string, object?>("singleton", singleton),
                new KeyValuePair<string, object?>("node", node.Address)))),
            "{singleton}",
            "1 for the node each singleton runs on");
    }
}
