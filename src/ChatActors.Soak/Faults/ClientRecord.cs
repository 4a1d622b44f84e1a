using System.Globalization;

namespace ChatActors.Soak.Faults;

/// <summary>One joined session of a client: from the moment it saw its join answered until it typed its leave or saw the close (null: still open).</summary>
public sealed record JoinedSession(int Client, int Index, string Name, TimeSpan JoinedAt)
{
    public TimeSpan? EndedAt { get; set; }
}

/// <summary>A leave with a rating: typed at one moment, the close seen at another (or not within the client's patience).</summary>
public sealed record RatedLeave(string Family, double Rating, TimeSpan TypedAt, TimeSpan ClosedAt, bool ClosedInTime);

/// <summary>
/// Everything one client of the fault run saw, in the order it saw it: its sessions, the lines it
/// typed, the lines it received (in which session, from which client), its leaves and the joins
/// whose answer it never got. Written by the client's threads, read by the checks; all under one lock.
/// </summary>
public sealed class ClientRecord(int id)
{
    public const string Padding = "the quick brown fox jumps";
    private readonly Lock _gate = new();
    private readonly List<JoinedSession> _sessions = [];
    private readonly List<TimeSpan> _typedAt = [];
    private readonly Dictionary<(int Session, int Sender), HashSet<long>> _received = [];
    private readonly Dictionary<int, long> _lastSeqFrom = [];
    private readonly List<RatedLeave> _leaves = [];
    private int _unansweredJoins;

    public int Id => id;

    /// <summary>The name it asks for; the two clients of a pair ask for the same one, so names are contended.</summary>
    public string Family => $"f{(id / 2).ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Each pair rates alike, so storage.db's rated rows per name tell which ratings it holds.</summary>
    public double Rating => 1 + (id / 2 % 5);

    public int UnansweredJoins { get { lock (_gate) { return _unansweredJoins; } } }

    public IReadOnlyList<JoinedSession> Sessions { get { lock (_gate) { return [.. _sessions]; } } }

    public IReadOnlyList<RatedLeave> Leaves { get { lock (_gate) { return [.. _leaves]; } } }

    /// <summary>The next line's number (from 1), recorded as typed at <paramref name="at"/>.</summary>
    public long Typed(TimeSpan at)
    {
        lock (_gate)
        {
            _typedAt.Add(at);
            return _typedAt.Count;
        }
    }

    public TimeSpan TypedAt(long seq) { lock (_gate) { return _typedAt[(int)seq - 1]; } }

    public long LinesTyped { get { lock (_gate) { return _typedAt.Count; } } }

    /// <summary>A new session under <paramref name="name"/>; its index.</summary>
    public int Joined(string name, TimeSpan at)
    {
        lock (_gate)
        {
            _sessions.Add(new JoinedSession(id, _sessions.Count, name, at));
            return _sessions.Count - 1;
        }
    }

    /// <summary>The session still open (if any) ends now: the client saw its connection close.</summary>
    public void SessionEnded(TimeSpan at)
    {
        lock (_gate)
        {
            if (_sessions is [.., { EndedAt: null } open])
            {
                open.EndedAt = at;
            }
        }
    }

    /// <summary>A join was sent and the connection closed before its answer: counted or not, nobody can tell.</summary>
    public void JoinUnanswered() { lock (_gate) { _unansweredJoins++; } }

    public void Left(RatedLeave leave) { lock (_gate) { _leaves.Add(leave); } }

    /// <summary>
    /// Line <paramref name="seq"/> of client <paramref name="sender"/> arrived in <paramref name="session"/>;
    /// false when it came twice or before a line it follows.
    /// </summary>
    public bool Received(int session, int sender, long seq)
    {
        lock (_gate)
        {
            var inOrder = seq > _lastSeqFrom.GetValueOrDefault(sender);
            _lastSeqFrom[sender] = Math.Max(seq, _lastSeqFrom.GetValueOrDefault(sender));
            if (!_received.TryGetValue((session, sender), out var lines))
            {
                _received[(session, sender)] = lines = [];
            }

            lines.Add(seq);
            return inOrder;
        }
    }

    /// <summary>Whether <paramref name="session"/> received line <paramref name="seq"/> of <paramref name="sender"/>.</summary>
    public bool Has(int session, int sender, long seq)
    {
        lock (_gate)
        {
            return _received.TryGetValue((session, sender), out var lines) && lines.Contains(seq);
        }
    }

    /// <summary>The lines of its own that came back to it in <paramref name="session"/>: the lines the server broadcast.</summary>
    public IReadOnlyList<long> Echoed(int session)
    {
        lock (_gate)
        {
            return _received.TryGetValue((session, id), out var lines) ? [.. lines.Order()] : [];
        }
    }
}
