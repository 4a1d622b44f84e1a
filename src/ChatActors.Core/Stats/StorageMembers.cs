using Akka.Cluster;
using ChatActors.Hosting;

namespace ChatActors.Stats;

/// <summary>
/// The members of the storage role as one node's cluster events tell them, in their order (the
/// cluster's shared state may already lack a member whose removal has not been delivered yet):
/// whether anything can be counted, and which member runs the stats singleton.
/// </summary>
public sealed class StorageMembers
{
    private readonly Dictionary<UniqueAddress, Member> _members = new();
    private readonly HashSet<UniqueAddress> _unreachable = new();

    /// <summary>A storage member is up and reachable.</summary>
    public bool CanCount => _members.Values.Any(member => member.Status == MemberStatus.Up && !_unreachable.Contains(member.UniqueAddress));

    /// <summary>
    /// The oldest storage member, where the stats singleton runs. A downed member holds it until
    /// it is removed: only then does the next oldest take over.
    /// </summary>
    public UniqueAddress? StatsHost => _members.Values
        .Where(member => member.Status is MemberStatus.Up or MemberStatus.Leaving or MemberStatus.Exiting or MemberStatus.Down)
        .OrderBy(member => member, Member.AgeOrdering)
        .FirstOrDefault()?.UniqueAddress;

    /// <summary>Takes in the cluster's state or one of its events; true when it removed the member that ran the stats singleton.</summary>
    public bool Apply(object clusterEvent)
    {
        switch (clusterEvent)
        {
            case ClusterEvent.CurrentClusterState state:
                foreach (var member in state.Members.Where(IsStorage))
                {
                    _members[member.UniqueAddress] = member;
                }

                _unreachable.UnionWith(state.Unreachable.Select(member => member.UniqueAddress));
                return false;
            case ClusterEvent.MemberRemoved removed:
                var wasStatsHost = removed.Member.UniqueAddress.Equals(StatsHost);
                _members.Remove(removed.Member.UniqueAddress);
                _unreachable.Remove(removed.Member.UniqueAddress);
                return wasStatsHost;
            case ClusterEvent.IMemberEvent changed when IsStorage(changed.Member):
                _members[changed.Member.UniqueAddress] = changed.Member;
                return false;
            case ClusterEvent.UnreachableMember unreachable:
                _unreachable.Add(unreachable.Member.UniqueAddress);
                return false;
            case ClusterEvent.ReachableMember reachable:
                _unreachable.Remove(reachable.Member.UniqueAddress);
                return false;
            default:
                return false;
        }
    }

    private static bool IsStorage(Member member) => member.HasRole(ChatNodeRoles.Storage);
}
