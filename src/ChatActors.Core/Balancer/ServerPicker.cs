namespace ChatActors.Balancer;

/// <summary>The two algorithms of PROTOCOL.md section 1; pure, so the balancer only keeps state.</summary>
public static class ServerPicker
{
    /// <param name="slots">The servers that are up, in any order.</param>
    /// <param name="lastPickedIndex">The index handed out last (round robin continues after it).</param>
    /// <returns>The chosen server, or null when every server is full or none is up.</returns>
    public static ServerSlot? Pick(BalancingAlgorithm algorithm, IEnumerable<ServerSlot> slots, int? lastPickedIndex)
    {
        var candidates = slots.Where(slot => !slot.IsFull).OrderBy(slot => slot.Index).ToList();
        if (candidates.Count == 0)
        {
            return null;
        }

        return algorithm switch
        {
            BalancingAlgorithm.RoundRobin =>
                candidates.FirstOrDefault(slot => slot.Index > (lastPickedIndex ?? -1)) ?? candidates[0],
            BalancingAlgorithm.LeastConnection =>
                candidates.MinBy(slot => slot.Load),
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, null),
        };
    }
}
