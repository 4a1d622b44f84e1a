namespace ChatActors.Soak.Faults;

/// <param name="Due">The lines the sessions that stayed connected had to get, their own included.</param>
/// <param name="Missing">What is missing, one entry per line and session that should have it.</param>
public sealed record LineCheckResult(long Due, IReadOnlyList<string> Missing);

/// <summary>
/// The promise of the broadcast under faults: every session that stayed connected got every line
/// that another such session (or itself) broadcast after it joined. A line counts as broadcast
/// once it came back to its sender; its own lines typed after it joined must all come back.
/// </summary>
public static class LineCheck
{
    public static LineCheckResult Run(IReadOnlyList<ClientRecord> clients)
    {
        var byId = clients.ToDictionary(client => client.Id);
        var stayed = clients.SelectMany(client => client.Sessions).Where(session => session.EndedAt is null).ToList();
        var missing = new List<string>();
        var due = 0L;
        foreach (var sender in stayed)
        {
            var record = byId[sender.Client];
            var echoed = record.Echoed(sender.Index);
            var echoedSet = echoed.ToHashSet();
            for (var seq = 1L; seq <= record.LinesTyped; seq++)
            {
                if (record.TypedAt(seq) > sender.JoinedAt && !echoedSet.Contains(seq))
                {
                    missing.Add($"{sender.Name} (client {sender.Client}) never got its own line {seq} back");
                }
            }

            foreach (var receiver in stayed)
            {
                foreach (var seq in echoed.Where(seq => record.TypedAt(seq) > receiver.JoinedAt))
                {
                    due++;
                    if (receiver.Client != sender.Client && !byId[receiver.Client].Has(receiver.Index, sender.Client, seq))
                    {
                        missing.Add($"{receiver.Name} (client {receiver.Client}) lacks line {seq} of {sender.Name} (client {sender.Client})");
                    }
                }
            }
        }

        return new LineCheckResult(due, missing);
    }
}
