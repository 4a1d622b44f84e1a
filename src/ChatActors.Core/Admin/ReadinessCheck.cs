using Akka.Actor;
using Akka.Cluster;
using ChatActors.Hosting;
using ChatActors.Stats;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace ChatActors.Admin;

/// <summary>
/// Ready while this node serves (its servers and edge are up, it is neither draining nor
/// stopping) and can count: a member of the storage role is up and reachable, so a join here
/// can be answered. A load balancer sends clients only to ready nodes.
/// </summary>
public sealed class ReadinessCheck(ActorSystem system, ChatNodeService node, NodeDrain drain, IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var cluster = Cluster.Get(system);
        var storage = new StorageMembers();
        storage.Apply(cluster.State);
        var result =
            node.Endpoints is null ? HealthCheckResult.Unhealthy("starting")
            : lifetime.ApplicationStopping.IsCancellationRequested ? HealthCheckResult.Unhealthy("stopping")
            : drain.Started ? HealthCheckResult.Unhealthy("draining")
            : cluster.SelfMember.Status != MemberStatus.Up ? HealthCheckResult.Unhealthy($"this node is {cluster.SelfMember.Status.ToString().ToLowerInvariant()} in the cluster")
            : !storage.CanCount ? HealthCheckResult.Unhealthy("no storage member is reachable: nothing can be counted")
            : HealthCheckResult.Healthy("serving and counting");
        return Task.FromResult(result);
    }
}
