namespace ChatActors.Soak.Faults;

/// <summary>
/// The promise of the broadcast under faults: every session that stayed connected got every line
/// that another such session (or itself) broadcast after it joined. A line counts as broadcast
/// once it came back to its sender; its own lines typed after it joined must all come back.
/// </summary>
public static class LineCheck
{
    /// <summary>What is missing, one entry per line and session that should have it.</summary>
    public static List<string> Missing(IReadOnlyList<ClientRecord> clients)
    {
        var byId = clients.ToDictionary(client => client.Id);
        var stayed = clients.SelectMany(client => client.Sessions).Where(session => session.EndedAt is null).ToList();
        var missing = new List<string>();
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

            foreach (var receiver in stayed.Where(receiver => receiver.Client != sender.Client))
            {
                foreach (var seq in echoed.Where(seq => record.TypedAt(seq) > receiver.JoinedAt))
                {
                    if (!byId[receiver.Client].Has(receiver.Index, sender.Client, seq))
                    {
                        missing.Add($"{receiver.Name} (client {receiver.Client}) lacks line {seq} of {sender.Name} (client {sender.Client})");
                    }
                }
            }
        }

        return missing;
    }

    /// <summary>The lines checked: for each session that stayed, the lines it had to get.</summary>
    public static long Checked(IReadOnlyList<ClientRecord> clients)
    {
        var byId = clients.ToDictionary(client => client.Id);
        var stayed = clients.SelectMany(client => client.Sessions).Where(session => session.EndedAt is null).ToList();
        return stayed.Sum(sender =>
        {
            var record = byId[sender.Client];
            var echoed = record.Echoed(sender.Index);
            return stayed.Sum(receiver => (long)echoed.Count(seq => record.TypedAt(seq) > receiver.JoinedAt));
        });
    }
}
