using System.Globalization;

namespace ChatActors.Soak.Faults;

/// <summary>The invariants of the fault run, checked on what the clients saw and what storage.db holds.</summary>
public sealed record FaultReport(
    SoakOptions Options,
    Tally Tally,
    IReadOnlyList<ClientRecord> Clients,
    BalancerExchange Balancer,
    IReadOnlyList<Fault> Faults,
    Recovery Recovered,
    TimeSpan RecoveryLimit,
    LineFigures Lines,
    NodeFigures Nodes,
    IReadOnlyList<NodeMemorySample> Memory,
    StorageFigures Storage,
    IReadOnlyDictionary<string, (long Rows, long Rated)> RowsByFamily,
    TimeSpan Elapsed)
{
    /// <summary>
    /// A count refused while a singleton moves is refused within the stats proxy's 10 s, and a move
    /// takes up to about 15 s: a leave closed within this of a fault may or may not be counted.
    /// </summary>
    public static readonly TimeSpan LeaveUncertainAfterFault = TimeSpan.FromSeconds(20);

    /// <summary>What the soak itself may notice late of a close (its own threads are busy too).</summary>
    public static readonly TimeSpan ObservationSlack = TimeSpan.FromMilliseconds(250);

    /// <summary>Nodes warming up after restarts (caches filling, heaps finding their size) move the sum this much.</summary>
    private const double MemoryTolerance = 0.05;

    /// <summary>Three minutes of samples: fewer show the nodes warming up, not whether they leak.</summary>
    private const int MemorySamplesToJudge = 18;

    /// <summary>Problems some check already reports.</summary>
    private static readonly string[] LineProblems = ["line twice or out of order", "corrupt line"];

    public IReadOnlyList<(string Check, bool Passed, string Detail)> Checks()
    {
        var sessions = Clients.SelectMany(client => client.Sessions).ToList();
        var leaves = Clients.SelectMany(client => client.Leaves).ToList();
        var families = Clients.Select(client => client.Family).Distinct().ToList();
        var joins = families.ToDictionary(family => family, family => (
            Answered: sessions.Count(session => SessionRows.Family(session.Name) == family),
            Unanswered: Clients.Where(client => client.Family == family).Sum(client => client.UnansweredJoins)));
        var rated = families.ToDictionary(family => family, family => (
            Certain: leaves.Count(leave => leave.Family == family && !Uncertain(leave)),
            Uncertain: leaves.Count(leave => leave.Family == family && Uncertain(leave))));
        var rows = families.ToDictionary(family => family, family => RowsByFamily.GetValueOrDefault(family));
        var answered = joins.Values.Sum(join => join.Answered);
        var unanswered = joins.Values.Sum(join => join.Unanswered);
        var joinsOff = families.Where(family => rows[family].Rows < joins[family].Answered || rows[family].Rows > joins[family].Answered + joins[family].Unanswered).ToList();
        var leavesOff = families.Where(family => rows[family].Rated < rated[family].Certain || rows[family].Rated > rated[family].Certain + rated[family].Uncertain).ToList();
        var ratedRows = rows.Values.Sum(row => row.Rated);
        var ratingOf = Clients.DistinctBy(client => client.Family).ToDictionary(client => client.Family, client => client.Rating);
        var expectedAverage = ratedRows == 0 ? 0 : Math.Round(families.Sum(family => rows[family].Rated * ratingOf[family]) / ratedRows, 2);
        var overlaps = NameOverlaps(sessions);
        var handovers = sessions.GroupBy(session => session.Name).Count(name => name.Select(session => session.Client).Distinct().Count() > 1);
        var lineProblems = LineProblems.Sum(kind => Tally.Problems.GetValueOrDefault(kind));
        var otherProblems = Tally.Problems.Values.Sum() - lineProblems;
        var memory = MemoryTrend();
        var totalRows = rows.Values.Sum(row => row.Rows);
        return
        [
            ("every join a client saw answered is counted, once", joinsOff.Count == 0 && Storage.TodayCount == totalRows && Storage.MonthlyCount == totalRows,
                $"{answered} joins answered, {unanswered} closed before their answer; {totalRows} session rows, Today_Count {Storage.TodayCount}, Monthly_Count {Storage.MonthlyCount}; names out of range: {Names(joinsOff)}"),
            ("every balancer reply a client saw is counted, once", Within(Storage.TotalApproaches, Tally.Approaches, Balancer.UnansweredCount),
                $"Total_Approaches {Storage.TotalApproaches}; {Tally.Approaches} replies seen, {Balancer.UnansweredCount} closed without one"),
            ("every refusal a client saw is counted lost, once", Within(Storage.LostCount, Tally.Lost, Balancer.UnansweredCount),
                $"Lost_Count {Storage.LostCount}; {Tally.Lost} refusals seen"),
            ("every rated leave whose close a client saw is counted, once", leavesOff.Count == 0,
                $"{leaves.Count} rated leaves, {rated.Values.Sum(leave => leave.Uncertain)} of them within {LeaveUncertainAfterFault.TotalSeconds:0} s of a fault; {ratedRows} rated rows; names out of range: {Names(leavesOff)}"),
            ("Average_Rating = mean of the ratings storage.db holds", Math.Abs(Storage.AverageRating - expectedAverage) < 0.006,
                $"{Storage.AverageRating:0.00}; {expectedAverage:0.00}"),
            ("no two clients were joined under one name at the same time", overlaps.Count == 0,
                $"{sessions.Count} sessions under {sessions.Select(session => session.Name).Distinct().Count()} names, {handovers} names passed between the two clients that want them; {overlaps.Count} overlaps{(overlaps.Count > 0 ? ", e.g. " + overlaps[0] : string.Empty)}"),
            ("every client that stayed connected got every line of every other such client, once and in order, itself included", Lines.Check.Missing.Count == 0 && lineProblems == 0,
                $"{Lines.SessionsStayed} sessions stayed connected; {Lines.Check.Due:N0} lines due to them, {Lines.Check.Missing.Count} missing; {lineProblems} twice, out of order or corrupt (in every session)"),
            ($"within {RecoveryLimit.TotalSeconds:0} s after the last fault every server serves and is handed out", Recovered.Took is { } took && took <= RecoveryLimit,
                Recovered.Took is { } after ? $"{after.TotalSeconds:0.0} s after the end of the last fault" : $"not within twice the limit; {Recovered.Missing}"),
            ("no node is stuck or orphaned", Nodes.ProcessesPerNode.All(count => count == 1) && Nodes.RunExitCode == 0 && Nodes.LeftoverProcesses == 0 && Nodes.NodeZeroUpAfterEveryStart,
                $"processes per node at the end: {string.Join(", ", Nodes.ProcessesPerNode)}; node 0 up after every start: {(Nodes.NodeZeroUpAfterEveryStart ? "yes" : "no")}; run.ps1 exit code {Nodes.RunExitCode}; {Nodes.LeftoverProcesses} node processes left after it"),
            ("node memory stays flat", memory.Flat,
                Memory.Count < MemorySamplesToJudge
                    ? $"not judged: fewer than {MemorySamplesToJudge} samples (a run this short only shows the warm-up)"
                    : $"all node processes together: high point of the first half {Mb(memory.FirstHalfHigh)} MB, low point of the second half {Mb(memory.SecondHalfLow)} MB (within {MemoryTolerance:P0} passes)"),
            ("no client met anything else (errors, dead ends, a cluster that did not serve again)", otherProblems == 0, $"{otherProblems} problems"),
        ];
    }

    public bool Passed => Checks().All(check => check.Passed);

    private static string Mb(long bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture);

    private static bool Within(long stored, long seen, long unsure) => stored >= seen && stored <= seen + unsure;

    private static string Names(List<string> families) => families.Count == 0 ? "none" : string.Join(", ", families.Take(5));

    private bool Uncertain(RatedLeave leave) =>
        !leave.ClosedInTime || Faults.Any(fault => fault.At <= leave.ClosedAt + TimeSpan.FromSeconds(1) && fault.Until >= leave.TypedAt - LeaveUncertainAfterFault);

    /// <summary>Two clients under one name at once: the later one's join answered before the earlier one typed its leave or saw its close.</summary>
    private List<string> NameOverlaps(List<JoinedSession> sessions)
    {
        var overlaps = new List<string>();
        foreach (var name in sessions.GroupBy(session => session.Name))
        {
            var ordered = name.OrderBy(session => session.JoinedAt).ToList();
            for (var i = 1; i < ordered.Count; i++)
            {
                var (before, after) = (ordered[i - 1], ordered[i]);
                var end = before.EndedAt ?? Elapsed;
                if (before.Client != after.Client && after.JoinedAt + ObservationSlack < end)
                {
                    overlaps.Add($"{name.Key}: client {after.Client} joined at {after.JoinedAt:mm\\:ss\\.f}, client {before.Client} held it until {end:mm\\:ss\\.f}");
                }
            }
        }

        return overlaps;
    }

    /// <summary>
    /// RSS is a saw (it climbs until a full collection), and a restarted node starts low again; the
    /// memory of all node processes together is what an operator pays. A leak lifts the low points
    /// of its second half past the high points of its first half; warming caches stay within the tolerance.
    /// </summary>
    private (long FirstHalfHigh, long SecondHalfLow, bool Flat) MemoryTrend()
    {
        var sums = Memory.Select(sample => sample.RssByPid.Values.Sum()).ToList();
        if (sums.Count < MemorySamplesToJudge)
        {
            return (0, 0, true);
        }

        var firstHalfHigh = sums.Take(sums.Count / 2).Max();
        var secondHalfLow = sums.Skip(sums.Count / 2).Min();
        return (firstHalfHigh, secondHalfLow, secondHalfLow <= firstHalfHigh * (1 + MemoryTolerance));
    }
}
