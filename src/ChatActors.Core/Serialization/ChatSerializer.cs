using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;
using ChatActors.Balancer;
using ChatActors.Live;
using ChatActors.Names;
using ChatActors.Server;
using ChatActors.Stats;
using ChatActors.Stats.Storage;

namespace ChatActors.Serialization;

/// <summary>
/// The binary format of every ChatActors message that crosses nodes, and of the stats
/// journal's events and snapshots. Each type has a short manifest that never changes,
/// so renaming or moving a C# type cannot make a journal unreadable; a broadcast's bytes
/// are written as they are. A new field means a new manifest (<c>.v2</c>) beside the old one.
/// </summary>
public sealed class ChatSerializer : SerializerWithStringManifest
{
    private readonly Dictionary<Type, IFormat> _byType = new();
    private readonly Dictionary<string, IFormat> _byManifest = new(StringComparer.Ordinal);

    public ChatSerializer(ExtendedActorSystem system)
        : base(system)
    {
        // Broadcasts and the cluster's own conversation.
        Add<ChatLines>("chat.lines", (w, m) => { w.Bytes(m.Bytes); w.Ref(m.Excluded); }, r => new ChatLines(r.Bytes(), r.Ref()));
        Add<TopicProbe>("chat.probe", (w, m) => { w.Ref(m.ReplyTo); w.String(m.Via); }, r => new TopicProbe(r.Ref(), r.String()));
        Add<ReportServerStatus>("server.report", (w, m) => w.Ref(m.ReplyTo), r => new ReportServerStatus(r.Ref()));
        Add<ServerStatus>("server.status", WriteStatus, ReadStatus);
        Add<RegisterServer>("balancer.register", WriteRegistration, ReadRegistration);
        Add<ServerLoad>("balancer.load", (w, m) => { w.Int(m.Index); w.Int(m.Connected); }, r => new ServerLoad(r.Int(), r.Int()));
        Add<AssignServer>("balancer.assign", (w, m) => w.String(m.ClientAddress ?? string.Empty), r => new AssignServer(r.String() is { Length: > 0 } address ? address : null));
        Add<ServerAssigned>("balancer.assigned", (w, m) => { w.String(m.Host); w.Int(m.Port); }, r => new ServerAssigned(r.String(), r.Int()));
        Add("balancer.none", NoServerAvailable.Instance);
        Add("balancer.withdraw", WithdrawServer.Instance);
        Add("balancer.await-servers", AwaitServersServing.Instance);
        Add("balancer.servers-serving", ServersServing.Instance);
        Add<ServerShown>(
            "live.server",
            (w, m) => { w.Ref(m.Server); w.String(m.Name); w.String(m.Node); w.Int(m.Port); w.Int(m.Capacity); w.Int(m.Online); w.String(m.LastJoined ?? string.Empty); w.Long(m.LinesSeen); },
            r => new ServerShown(r.Ref(), r.String(), r.String(), r.Int(), r.Int(), r.Int(), r.String() is { Length: > 0 } last ? last : null, r.Long()));
        Add<LiveEvent>("live.event", (w, m) => { w.Time(m.At); w.String(m.Text); }, r => new LiveEvent(r.Time(), r.String()));
        Add<ShowLiveView>("live.show", (w, m) => w.Ref(m.ReplyTo), r => new ShowLiveView(r.Ref()));
        Add<AllocateServerIndices>("balancer.allocate", (w, m) => w.Int(m.Count), r => new AllocateServerIndices(r.Int()));
        Add<ServerIndicesAllocated>("balancer.allocated", (w, m) => w.Int(m.First), r => new ServerIndicesAllocated(r.Int()));
        Add<ClaimName>("names.claim", (w, m) => w.String(m.Name), r => new ClaimName(r.String()));
        Add<NameClaimed>("names.claimed", (w, m) => w.String(m.Name), r => new NameClaimed(r.String()));
        Add<NameInUse>("names.in-use", (w, m) => w.String(m.Name), r => new NameInUse(r.String()));
        Add<ReleaseName>("names.release", (w, m) => w.String(m.Name), r => new ReleaseName(r.String()));
        Add<CountApproach>("stats.count-approach", (w, m) => { w.Bool(m.TurnedAway); w.Time(m.AcceptBeforeUtc); }, r => new CountApproach(r.Bool(), r.Time()));
        Add<CountLostClient>("stats.count-lost", (w, m) => w.Time(m.AcceptBeforeUtc), r => new CountLostClient(r.Time()));
        Add<CountRefusedConnections>(
            "stats.count-refused-connections",
            (w, m) => { w.Int(m.Count); w.Bool(m.AtBalancer); w.Time(m.AcceptBeforeUtc); },
            r => new CountRefusedConnections(r.Int(), r.Bool(), r.Time()));
        Add<RecordJoin>("stats.record-join", (w, m) => { w.String(m.User); w.Time(m.AcceptBeforeUtc); }, r => new RecordJoin(r.String(), r.Time()));
        Add<JoinRecorded>(
            "stats.join-recorded",
            (w, m) => { w.String(m.User); w.Time(m.JoinedAt); w.Long(m.SequenceNr); },
            r => new JoinRecorded(r.String(), r.Time(), r.Long()));
        Add<RecordLeave>(
            "stats.record-leave",
            (w, m) => { w.String(m.User); w.Time(m.JoinedAt); w.Long(m.JoinSequenceNr); w.Rating(m.Rating); w.Time(m.AcceptBeforeUtc); },
            r => new RecordLeave(r.String(), r.Time(), r.Long(), r.Rating(), r.Time()));
        Add("stats.counted", Counted.Instance);
        Add("stats.count-refused", CountRefused.Instance);
        Add<ServerOnline>("stats.server-online", WriteOnline, ReadOnline);
        Add("stats.get", GetStats.Instance);
        Add<StatsSnapshot>("stats.snapshot", WriteStatsSnapshot, ReadStatsSnapshot);
        Add("stats.flush", FlushStats.Instance);
        Add<StatsEventRecorded>("storage.recorded", (w, m) => { w.Long(m.SequenceNr); WriteEvent(w, m.Event); }, r => new StatsEventRecorded(r.Long(), ReadEvent(r)));
        Add<ServerTotalsChanged>("storage.totals", (w, m) => WriteRow(w, m.Row), r => new ServerTotalsChanged(ReadRow(r)));
        Add<FlushStorage>("storage.flush", (w, m) => w.Ref(m.ReplyTo), r => new FlushStorage(r.Ref()));
        Add("storage.flushed", StorageFlushed.Instance);
        Add("storage.flush-and-stop", FlushAndStop.Instance);
        Add<AwaitProjectedThrough>("storage.await-projected", (w, m) => w.Long(m.SequenceNr), r => new AwaitProjectedThrough(r.Long()));
        Add<ProjectedThrough>("storage.projected", (w, m) => w.Long(m.SequenceNr), r => new ProjectedThrough(r.Long()));

        // The stats journal: these manifests are stored in storage.db and must never change.
        Add<ClientApproached>("stats-event.approached.v1", (w, e) => w.Time(e.At), r => new ClientApproached(r.Time()));
        Add<ClientLost>("stats-event.lost.v1", (w, e) => w.Time(e.At), r => new ClientLost(r.Time()));
        Add<ConnectionsRefused>(
            "stats-event.refused.v1",
            (w, e) => { w.Int(e.Count); w.Bool(e.AtBalancer); w.Time(e.At); },
            r => new ConnectionsRefused(r.Int(), r.Bool(), r.Time()));
        Add<ClientJoined>("stats-event.joined.v1", (w, e) => { w.String(e.User); w.Time(e.At); }, r => new ClientJoined(r.String(), r.Time()));
        AddReadOnly("stats-event.left.v1", r => new ClientLeft(r.String(), r.Time(), 0, r.Time(), r.Rating()));
        Add<ClientLeft>(
            "stats-event.left.v2",
            (w, e) => { w.String(e.User); w.Time(e.JoinedAt); w.Long(e.JoinSequenceNr); w.Time(e.At); w.Rating(e.Rating); },
            r => new ClientLeft(r.String(), r.Time(), r.Long(), r.Time(), r.Rating()));
        Add<StatsResumed>("stats-event.resumed.v1", (w, e) => { WriteState(w, e.State); w.Time(e.At); }, r => new StatsResumed(ReadState(r), r.Time()));
        Add<StatsState>("stats-state.v1", WriteState, ReadState);
    }

    public override string Manifest(object o) => FormatOf(o.GetType()).Manifest;

    public override byte[] ToBinary(object obj)
    {
        using var buffer = new MemoryStream();
        using (var writer = new MessageWriter(buffer))
        {
            FormatOf(obj.GetType()).Write(writer, obj);
        }

        return buffer.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (!_byManifest.TryGetValue(manifest, out var format))
        {
            throw new SerializationException($"ChatSerializer knows no manifest \"{manifest}\"");
        }

        using var reader = new MessageReader(new MemoryStream(bytes, writable: false), system);
        return format.Read(reader);
    }

    private IFormat FormatOf(Type type) =>
        _byType.TryGetValue(type, out var format) ? format : throw new ArgumentException($"ChatSerializer has no format for {type}", nameof(type));

    private void Add<T>(string manifest, Action<MessageWriter, T> write, Func<MessageReader, T> read)
        where T : notnull
    {
        var format = new Format<T>(manifest, write, read);
        _byType.Add(typeof(T), format);
        _byManifest.Add(manifest, format);
    }

    /// <summary>A manifest that is only read: an older version of a format, as journals written before still hold it.</summary>
    private void AddReadOnly<T>(string manifest, Func<MessageReader, T> read)
        where T : notnull =>
        _byManifest.Add(manifest, new Format<T>(manifest, (_, _) => throw new NotSupportedException($"{manifest} is only read"), read));

    private void Add<T>(string manifest, T instance)
        where T : notnull =>
        Add<T>(manifest, (_, _) => { }, _ => instance);

    private static void WriteRegistration(MessageWriter w, RegisterServer m)
    {
        w.Int(m.Index);
        w.String(m.Name);
        w.String(m.Host);
        w.Int(m.Port);
        w.Int(m.Capacity);
        w.Ref(m.Server);
    }

    private static RegisterServer ReadRegistration(MessageReader r) => new(r.Int(), r.String(), r.String(), r.Int(), r.Int(), r.Ref());

    private static void WriteStatus(MessageWriter w, ServerStatus m)
    {
        WriteRegistration(w, m.Registration);
        w.Int(m.Connected);
        w.Int(m.Names.Count);
        foreach (var held in m.Names)
        {
            w.String(held.Name);
            w.Ref(held.Session);
        }

        WriteOnline(w, m.Online);
    }

    private static void WriteOnline(MessageWriter w, ServerOnline m)
    {
        w.Ref(m.Server);
        w.Int(m.Joined);
        w.Long(m.Version);
    }

    private static ServerOnline ReadOnline(MessageReader r) => new(r.Ref(), r.Int(), r.Long());

    private static ServerStatus ReadStatus(MessageReader r)
    {
        var registration = ReadRegistration(r);
        var connected = r.Int();
        var names = new HeldName[r.Int()];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = new HeldName(r.String(), r.Ref());
        }

        return new ServerStatus(registration, connected, names, ReadOnline(r));
    }

    private static void WriteStatsSnapshot(MessageWriter w, StatsSnapshot m)
    {
        w.String(m.Date);
        w.Long(m.TodayCount);
        w.Long(m.MonthlyCount);
        w.Long(m.TotalApproaches);
        w.Long(m.LostCount);
        w.Double(m.AverageRating);
        w.Int(m.Online);
    }

    private static StatsSnapshot ReadStatsSnapshot(MessageReader r) => new(r.String(), r.Long(), r.Long(), r.Long(), r.Long(), r.Double(), r.Int());

    private static void WriteRow(MessageWriter w, ServerRow row)
    {
        w.String(row.Date);
        w.Double(row.AverageRating);
        w.Long(row.TodayCount);
        w.Long(row.MonthlyCount);
        w.Long(row.TotalApproaches);
        w.Long(row.LostCount);
    }

    private static ServerRow ReadRow(MessageReader r) => new(r.String(), r.Double(), r.Long(), r.Long(), r.Long(), r.Long());

    private static void WriteState(MessageWriter w, StatsState state)
    {
        w.Int(state.Date.DayNumber);
        w.Long(state.TodayCount);
        w.Long(state.MonthlyCount);
        w.Long(state.TotalApproaches);
        w.Long(state.LostCount);
        w.Double(state.RatingSum);
        w.Long(state.RatingCount);
    }

    private static StatsState ReadState(MessageReader r) =>
        new(DateOnly.FromDayNumber(r.Int()), r.Long(), r.Long(), r.Long(), r.Long(), r.Double(), r.Long());

    /// <summary>A stats event inside another message: its manifest, then its fields.</summary>
    private void WriteEvent(MessageWriter w, IStatsEvent statsEvent)
    {
        var format = FormatOf(statsEvent.GetType());
        w.String(format.Manifest);
        format.Write(w, statsEvent);
    }

    private IStatsEvent ReadEvent(MessageReader r) => (IStatsEvent)_byManifest[r.String()].Read(r);
}
