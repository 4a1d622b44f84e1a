using ChatActors.Balancer;
using ChatActors.Net;
using ChatActors.Session;
using ChatActors.Stats;
using ChatActors.Stats.Storage;

namespace ChatActors.Hosting.Settings;

/// <summary>One node's settings: the <c>chat-actors</c> section of its HOCON, checked at start (<see cref="ChatSettingsReader"/>).</summary>
/// <param name="Servers">How many chat servers this node runs (none: a node of the process approach that only holds the balancer's edge).</param>
/// <param name="FirstServer">The index of this node's first server; null: ask the balancer (a node joining a running cluster).</param>
/// <param name="Roles">This node's cluster roles (<c>akka.cluster.roles</c>): <see cref="ChatNodeRoles.Storage"/> where storage.db is.</param>
public sealed record ChatSettings(
    int Servers,
    int? FirstServer,
    BalancingAlgorithm Algorithm,
    IReadOnlyList<string> Roles,
    NetworkSettings Network,
    LimitSettings Limits,
    StorageSettings Storage,
    TimeoutSettings Timeouts,
    OutputSettings Output,
    AdminSettings Admin)
{
    /// <summary>The actor system's name: every node of one chat cluster shares it.</summary>
    public const string SystemName = "ChatActors";

    public bool HoldsStorage => Roles.Contains(ChatNodeRoles.Storage);
}

/// <summary>Where the node listens and whom it joins.</summary>
/// <param name="AdvertisedHost">The host the balancer hands out and other nodes reach this one at.</param>
/// <param name="SeedNodes">Akka addresses to join; empty: the node forms a cluster of its own.</param>
/// <param name="SharedBalancerPort">Every node of the process approach listens on the balancer port (SO_REUSEPORT), so it survives any one node.</param>
public sealed record NetworkSettings(
    string BindHost,
    string AdvertisedHost,
    int BalancerPort,
    int ServerPort,
    int RemotePort,
    IReadOnlyList<string> SeedNodes,
    bool BalancerEdge,
    bool SharedBalancerPort);

/// <summary>What one client or one address may take.</summary>
/// <param name="Capacity">Clients per server.</param>
public sealed record LimitSettings(int Capacity, int MaxLineBytes, OutboundLimits Outbound, InputLimits Input, AddressLimits AddressLimits);

/// <summary>storage.db, the stats journal, and how long a count may wait for them.</summary>
/// <param name="DbPath">storage.db's path, when the storage is SQLite.</param>
/// <param name="Postgres">The PostgreSQL database that holds the journal and the tables instead, if <c>db</c> names one.</param>
/// <param name="JournalDbPath">The journal's file: storage.db itself unless <c>journal-db</c> names another.</param>
/// <param name="StatsAcceptTimeout">A count the stats actor gets later than this after it was asked is refused.</param>
public sealed record StorageSettings(
    string DbPath,
    PostgresDatabase? Postgres,
    string JournalDbPath,
    TimeSpan DbFlushInterval,
    int StatsSnapshotInterval,
    TimeSpan DbBusyTimeout,
    TimeSpan JournalPatience,
    TimeSpan StatsAcceptTimeout)
{
    public StorageFile Db => new(DbPath, DbBusyTimeout);

    public StorageFile JournalDb => new(JournalDbPath, DbBusyTimeout);

    /// <summary>Where the original tables are written.</summary>
    public IChatStore Store => Postgres is { } postgres ? new PostgresChatStore(postgres) : new SqliteChatStore(Db);

    public CountWaits Counting => CountWaits.For(StatsAcceptTimeout, JournalPatience, DbBusyTimeout);

    /// <summary>
    /// The journal's circuit breaker must never cut a write short that the journal still retries:
    /// a write it abandons could still land, counting what nobody was told.
    /// </summary>
    public TimeSpan JournalCallTimeout => JournalPatience + DbBusyTimeout + TimeSpan.FromSeconds(30);
}

/// <summary>How long the node waits for its clients and for itself.</summary>
/// <param name="RelearnWindow">A singleton that has just started (or moved) waits this long for every server's status.</param>
/// <param name="MemoryTrimInterval">How often the node looks whether it has gone quiet after a busy spell; zero: never.</param>
public sealed record TimeoutSettings(
    TimeSpan ReservationTimeout,
    TimeSpan BalancerReplyTimeout,
    TimeSpan CloseDrainTimeout,
    TimeSpan JoinTimeout,
    TimeSpan UnjoinedTimeout,
    TimeSpan RelearnWindow,
    TimeSpan MemoryTrimInterval);

/// <summary>Where the node program's lines go.</summary>
/// <param name="LogFile">Also write them to this file; empty: the console only.</param>
/// <param name="Verbose">Akka's own INFO lines too, and stack traces.</param>
/// <param name="LiveView">A terminal shows the live view, and the log goes to the log file.</param>
/// <param name="WatchedProcesses">Processes whose end stops this node (run.ps1 and the dotnet processes that started it).</param>
/// <param name="DrainedFile">A drained node creates this file before it exits (run.ps1 starts it again); empty: none.</param>
public sealed record OutputSettings(string LogFile, bool LogToConsole, bool Verbose, bool LiveView, IReadOnlyList<int> WatchedProcesses, string DrainedFile);

/// <summary>The node's HTTP admin port: /metrics, /health, the dashboard and the drain.</summary>
/// <param name="Port">0: no admin port.</param>
/// <param name="PortGiven">The port was asked for (<c>-AdminPort</c>): in use, it fails the start; the default port in use only costs a log line.</param>
/// <param name="Token">What a request that changes something must carry (<c>Authorization: Bearer TOKEN</c>) when it comes from beyond this machine; empty: such requests are refused.</param>
/// <param name="DrainWindow">A drained node closes its clients spread over this time.</param>
public sealed record AdminSettings(int Port, string Host, bool PortGiven, string Token, TimeSpan DrainWindow);
