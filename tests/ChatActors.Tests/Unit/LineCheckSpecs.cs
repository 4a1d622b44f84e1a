using ChatActors.Soak.Faults;

namespace ChatActors.Tests.Unit;

/// <summary>The fault run's check of the broadcast, on records of two clients that stayed connected.</summary>
public class LineCheckSpecs
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public void Sessions_that_got_every_line_broadcast_after_they_joined_miss_nothing()
    {
        var (ann, bob) = TwoJoinedClients();
        Broadcast(ann, [ann, bob], at: 3 * Second);
        Broadcast(bob, [ann, bob], at: 4 * Second);

        var result = LineCheck.Run([ann, bob]);

        Assert.Empty(result.Missing);
        Assert.Equal(4, result.Due);
    }

    [Fact]
    public void A_line_one_session_lacks_is_missing_and_one_typed_before_it_joined_is_not_due()
    {
        var (ann, bob) = TwoJoinedClients(bobJoinsAt: 5 * Second);
        Broadcast(ann, [ann], at: 3 * Second);
        Broadcast(ann, [ann], at: 6 * Second);

        Assert.Equal(["f1 (client 2) lacks line 2 of f0 (client 0)"], LineCheck.Run([ann, bob]).Missing);
    }

    [Fact]
    public void An_own_line_that_never_came_back_is_missing()
    {
        var (ann, bob) = TwoJoinedClients();
        ann.Typed(3 * Second);

        Assert.Equal(["f0 (client 0) never got its own line 1 back"], LineCheck.Run([ann, bob]).Missing);
    }

    [Fact]
    public void A_line_that_came_twice_or_late_is_told()
    {
        var ann = new ClientRecord(0);
        var session = ann.Joined("f0", Second);

        Assert.True(ann.Received(session, sender: 1, seq: 2));
        Assert.False(ann.Received(session, sender: 1, seq: 2));
        Assert.False(ann.Received(session, sender: 1, seq: 1));
    }

    /// <summary>Clients 0 and 2 (two names), joined at 1 s and at <paramref name="bobJoinsAt"/>.</summary>
    private static (ClientRecord Ann, ClientRecord Bob) TwoJoinedClients(TimeSpan? bobJoinsAt = null)
    {
        var ann = new ClientRecord(0);
        var bob = new ClientRecord(2);
        ann.Joined(ann.Family, Second);
        bob.Joined(bob.Family, bobJoinsAt ?? Second);
        return (ann, bob);
    }

    private static void Broadcast(ClientRecord sender, ClientRecord[] receivers, TimeSpan at)
    {
        var seq = sender.Typed(at);
        foreach (var receiver in receivers)
        {
            receiver.Received(0, sender.Id, seq);
        }
    }
}
