using System.Collections.Immutable;
using Akka.Cluster;
using ChatActors.Stats;

namespace ChatActors.Tests.Unit;

/// <summary>The storage role as the counting gate sees it, from one node's cluster events in their order.</summary>
public class StorageMembersSpecs() : Akka.TestKit.Xunit2.TestKit("akka.actor.provider = cluster\nakka.cluster.roles = [storage]\nakka.remote.dot-netty.tcp.port = 0")
{
    [Fact]
    public async Task The_stats_host_is_the_oldest_storage_member_until_its_removal_even_once_downed_and_unreachable()
    {
        var self = await UpSelfAsync();
        var members = new StorageMembers();
        members.Apply(new ClusterEvent.CurrentClusterState().Copy(members: ImmutableSortedSet.Create(self)));
        Assert.Equal((true, self.UniqueAddress), (members.CanCount, members.StatsHost));

        Assert.False(members.Apply(new ClusterEvent.UnreachableMember(self)));
        Assert.False(members.CanCount);
        var downed = self.Copy(MemberStatus.Down);
        Assert.False(members.Apply(new ClusterEvent.MemberDowned(downed)));
        Assert.Equal(self.UniqueAddress, members.StatsHost);

        Assert.True(members.Apply(new ClusterEvent.MemberRemoved(downed.Copy(MemberStatus.Removed), MemberStatus.Down)));
        Assert.Null(members.StatsHost);
        Assert.False(members.Apply(new ClusterEvent.MemberRemoved(downed.Copy(MemberStatus.Removed), MemberStatus.Down)));
    }

    [Fact]
    public async Task Reachable_again_it_counts_again()
    {
        var self = await UpSelfAsync();
        var members = new StorageMembers();
        members.Apply(new ClusterEvent.MemberUp(self));
        members.Apply(new ClusterEvent.UnreachableMember(self));

        members.Apply(new ClusterEvent.ReachableMember(self));

        Assert.True(members.CanCount);
    }

    private async Task<Member> UpSelfAsync()
    {
        var cluster = Cluster.Get(Sys);
        await cluster.JoinAsync(cluster.SelfAddress);
        // The node is up once joined; its view of the members follows a moment later.
        await AwaitAssertAsync(() => Assert.Single(cluster.State.Members));
        return cluster.State.Members.Single();
    }
}
