using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ChatActors.Admin;

/// <summary>
/// The node's own instruments, on the <c>ChatActors</c> meter that /metrics exports. Each node
/// counts what happened on it (its clients, its edge), once the stats actor has journaled it,
/// so that the sum over the nodes is what the stats actor counted. Names and units follow
/// OpenTelemetry's conventions; Prometheus shows <c>chatactors.joins</c> as <c>chatactors_joins_total</c>.
/// </summary>
public sealed class ChatMetrics
{
    public const string MeterName = "ChatActors";

    /// <summary>
    /// A join is answered within milliseconds, and waits at most 110 s for its journal. Without
    /// this advice OpenTelemetry's buckets are made for milliseconds (0, 5, 10, ... 10,000): every
    /// join, in seconds, would fall into the one bucket up to 5 s, and no quantile could be read.
    /// </summary>
    private static readonly InstrumentAdvice<double> SecondsBuckets = new()
    {
        HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    };

    private readonly Counter<long> _joins;
    private readonly Counter<long> _leaves;
    private readonly Counter<long> _ratings;
    private readonly Counter<long> _approaches;
    private readonly Counter<long> _lostClients;
    private readonly Counter<long> _refusals;
    private readonly UpDownCounter<long> _online;
    private readonly Counter<long> _linesIn;
    private readonly Counter<long> _linesOut;
    private readonly Counter<long> _bytesOut;
    private readonly Counter<long> _readersCutOff;
    private readonly Counter<long> _floodSlowDowns;
    private readonly Histogram<double> _handshake;
    private readonly Histogram<double> _journalWrite;

    public ChatMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _joins = meter.CreateCounter<long>("chatactors.joins", "{join}", "Joins counted, by the node of the client's server");
        _leaves = meter.CreateCounter<long>("chatactors.leaves", "{leave}", "Leaves counted (rated or not)");
        _ratings = meter.CreateCounter<long>("chatactors.ratings", "{rating}", "Rated leaves, by rating");
        _approaches = meter.CreateCounter<long>("chatactors.approaches", "{approach}", "Clients that connected to the balancer, counted");
        _lostClients = meter.CreateCounter<long>("chatactors.clients.lost", "{client}", "Clients turned away, counted as lost");
        _refusals = meter.CreateCounter<long>("chatactors.refusals", "{client}", "Clients turned away, by reason");
        _online = meter.CreateUpDownCounter<long>("chatactors.clients.online", "{client}", "Joined clients, by server");
        _linesIn = meter.CreateCounter<long>("chatactors.lines.in", "{line}", "Chat lines read from clients");
        _linesOut = meter.CreateCounter<long>("chatactors.lines.out", "{line}", "Lines handed to clients' connections");
        _bytesOut = meter.CreateCounter<long>("chatactors.sent", "By", "Bytes of lines handed to clients' connections");
        _readersCutOff = meter.CreateCounter<long>("chatactors.readers.cut_off", "{client}", "Clients disconnected for not reading their messages");
        _floodSlowDowns = meter.CreateCounter<long>("chatactors.flood.slow_downs", "{event}", "Times a client sent faster than allowed and was read more slowly");
        _handshake = meter.CreateHistogram("chatactors.join.duration", "s", "From a join line read to its answer: the name claimed and the join journaled", advice: SecondsBuckets);
        _journalWrite = meter.CreateHistogram("chatactors.journal.write.duration", "s", "From a count's persist to its journaled event, on the stats actor's node", advice: SecondsBuckets);
    }

    /// <param name="startedTimestamp">When the join line was read (<see cref="Stopwatch.GetTimestamp"/>).</param>
    public void JoinCounted(long startedTimestamp)
    {
        _joins.Add(1);
        _handshake.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds);
    }

    public void OnlineChanged(string server, int change) => _online.Add(change, new KeyValuePair<string, object?>("chatactors.server", server));

    public void LeaveCounted(double? rating)
    {
        _leaves.Add(1);
        if (rating is { } value)
        {
            _ratings.Add(1, new KeyValuePair<string, object?>("chatactors.rating", (int)value));
        }
    }

    /// <param name="turnedAway">Told <c>SNA wait</c>: no server could take the client.</param>
    public void Approached(bool turnedAway)
    {
        _approaches.Add(1);
        if (turnedAway)
        {
            TurnedAway("no_server");
        }
    }

    /// <summary>Connections a limit per address refused; at the balancer each was an approach too.</summary>
    public void Refused(int count, bool atBalancer)
    {
        if (atBalancer)
        {
            _approaches.Add(count);
        }

        TurnedAway("address_limit", count);
    }

    /// <param name="reason"><c>server_full</c>, <c>no_server</c> (SNA wait) or <c>address_limit</c>.</param>
    public void TurnedAway(string reason, int count = 1)
    {
        _lostClients.Add(count);
        _refusals.Add(count, new KeyValuePair<string, object?>("reason", reason));
    }

    public void LinesIn(int count) => _linesIn.Add(count);

    public void Sent(int lines, int bytes)
    {
        _linesOut.Add(lines);
        _bytesOut.Add(bytes);
    }

    public void ReaderCutOff() => _readersCutOff.Add(1);

    public void FloodSlowedDown() => _floodSlowDowns.Add(1);

    public void JournalWritten(long startedTimestamp) => _journalWrite.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds);
}
