using Akka.Cluster;
using ChatActors.Hosting;

namespace ChatActors.Admin;

/// <summary>One node of the cluster as this node's membership state shows it.</summary>
/// <param name="Singletons">The singletons it runs: the oldest member (of their role) runs each.</param>
public sealed record NodePicture(string Address, string Status, bool Reachable, IReadOnlyList<string> Roles, IReadOnlyList<string> Singletons);

/// <summary>The cluster's members and where each singleton runs, for /metrics and the dashboard.</summary>
public static class ClusterPicture
{
    /// <summary>The singletons of every node, and the role that may hold each (null: any member).</summary>
    private static readonly (string Name, string? Role)[] Singletons =
    [
        ("balancer", null),
        ("names", null),
        ("stats", ChatNodeRoles.Storage),
        ("db-writer", ChatNodeRoles.Storage),
    ];

    public static IReadOnlyList<NodePicture> Of(Cluster cluster)
    {
        var state = cluster.State;
        var unreachable = state.Unreachable.Select(member => member.UniqueAddress).ToHashSet();
        var up = state.Members.Where(member => member.Status == MemberStatus.Up).ToList();
        var hosts = Singletons
            .Select(singleton => (singleton.Name, Host: up.Where(member => singleton.Role is null || member.HasRole(singleton.Role)).OrderBy(member => member, Member.AgeOrdering).FirstOrDefault()))
            .Where(singleton => singleton.Host is not null)
            .ToList();
        return state.Members
            .Select(member => new NodePicture(
                $"{member.Address.Host}:{member.Address.Port}",
                member.Status.ToString().ToLowerInvariant(),
                !unreachable.Contains(member.UniqueAddress),
                member.Roles.Order(StringComparer.Ordinal).ToList(),
                hosts.Where(singleton => singleton.Host!.Equals(member)).Select(singleton => singleton.Name).ToList()))
            .ToList();
    }
}
