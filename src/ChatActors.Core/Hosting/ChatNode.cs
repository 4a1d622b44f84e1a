using System.Net;
using System.Net.Sockets;
using Akka;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Cluster.Tools.Singleton;
using Akka.Configuration;
using Akka.Event;
using Akka.Pattern;
using Akka.Persistence.Query;
using Akka.Persistence.Sql;
using Akka.Persistence.Sql.Config;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using ChatActors.Balancer;
using ChatActors.Names;
using ChatActors.Net;
using ChatActors.Server;
using ChatActors.Session;
using ChatActors.Stats;
using ChatActors.Stats.Storage;
using LinqToDB;

namespace ChatActors.Hosting;

/// <summary>
/// One running ChatActors node: a member of the chat cluster with its servers (all of
/// them in the <c>fork</c> approach, one in the <c>process</c> approach), the balancer's
/// TCP edge, and the managers and proxies of the cluster singletons (balancer, name
/// registry, stats and its storage.db writer).
/// </summary>
public sealed class ChatNode : IAsyncDisposable
{
    public const string StorageRole = "storage";
    private static readonly TimeSpan ClusterJoinTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(10);

    private ChatNode(ActorSystem system, ChatOptions options, int balancerPort, IReadOnlyList<int> serverPorts, IReadOnlyList<string> serverNames, IActorRef stats)
    {
        System = system;
        Options = options;
        BalancerPort = balancerPort;
        ServerPorts = serverPorts;
        ServerNames = serverNames;
        Stats = stats;
    }

    public ActorSystem System { get; }

    public ChatOptions Options { get; }

    /// <summary>The balancer edge's port, or 0 when this node runs no edge.</summary>
    public int BalancerPort { get; }

    public IReadOnlyList<int> ServerPorts { get; }

    /// <summary>This node's servers' names, in the order of <see cref="ServerPorts"/>.</summary>
    public IReadOnlyList<string> ServerNames { get; }

    /// <summary>The proxy of the stats singleton.</summary>
    public IActorRef Stats { get; }

    public Address Address => Cluster.Get(System).SelfAddress;

    public Task Terminated => System.WhenTerminated;

    /// <param name="config">The full configuration: the chat-actors section over the base HOCON.</param>
    /// <param name="stopping">Ctrl+C before the node is up: it stops joining and throws <see cref="OperationCanceledException"/>.</param>
    public static async Task<ChatNode> StartAsync(Config config, TimeProvider clock, CancellationToken stopping = default)
    {
        var options = ChatOptions.FromConfig(config);
        var storage = config.GetStringList("akka.cluster.roles").Contains(StorageRole);
        var listeners = new List<Socket>();
        ActorSystem? system = null;
        try
        {
            // A port of its own is taken first, so that a busy port fails the start at once. A
            // shared port is taken last: the kernel hands connections to every listener on it,
            // and one that does not accept yet would leave its share of clients waiting.
            Socket? edgeListener = null;
            if (options.BalancerEdge && !options.SharedBalancerPort)
            {
                edgeListener = Ports.Bind(options.BindHost, options.BalancerPort, shared: false);
                listeners.Add(edgeListener);
            }

            // Bound now (a port in use fails the start at once); each server listens once it serves.
            var serverListeners = Enumerable.Range(0, options.Servers)
                .Select(i => Ports.Bind(options.BindHost, options.ServerPort == 0 ? 0 : options.ServerPort + i, shared: false))
                .ToList();
            listeners.AddRange(serverListeners);

            CheckRemotePortIsFree(options);
            var legacyCounters = storage ? StorageDatabase.Prepare(options.Db) : null;
            if (storage && options.JournalDbPath != options.DbPath)
            {
                StorageDatabase.PrepareJournalFile(options.JournalDb);
            }

            system = await StartClusterAsync(config, options, stopping);
            system.ActorOf(ClusterEventLogger.Props(), "cluster-events");
            if (options.MemoryTrimInterval > TimeSpan.Zero)
            {
                system.ActorOf(MemoryTrim.Props(new MemoryTrim.RuntimeCollector(), options.MemoryTrimInterval), "memory-trim");
            }

            var mediator = DistributedPubSub.Get(system).Mediator;
            var dbWriter = Singleton(system, "db-writer", StorageRole, FlushAndStop.Instance, () =>
                DbWriter.Props(options.Db, JournalReaderFor(system), DbWriterSettings.Default with { FlushInterval = options.DbFlushInterval }));
            var stats = Singleton(system, "stats", StorageRole, PoisonPill.Instance, () =>
                BackoffSupervisor.Props(Backoff.OnStop(
                    StatsActor.Props(clock, dbWriter, mediator, legacyCounters, options.StatsSnapshotInterval),
                    "stats",
                    TimeSpan.FromMilliseconds(200),
                    TimeSpan.FromSeconds(10),
                    0.2,
                    -1)
                    // A count that reaches no stats actor is not counted; its requester hears so at once.
                    .WithReplyWhileStopped(CountRefused.Instance)));
            var names = Singleton(system, "names", null, PoisonPill.Instance, () => NameRegistry.Props(mediator, options.RelearnWindow));
            var balancer = Singleton(system, "balancer", null, PoisonPill.Instance, () =>
                BalancerActor.Props(options.Algorithm, options.ReservationTimeout, options.AddressLimits.ReservationsPerAddress, mediator, options.RelearnWindow, clock));

            var counting = system.ActorOf(CountingGate.Props(stats, options.Counting.AcceptWithin, clock), "counting-gate");
            var gate = system.ActorOf(ConnectionGate.Props(options.AddressLimits, counting, options.Counting), "connection-gate");
            var (servers, serverNames) = await StartServersAsync(system, options, serverListeners, balancer, gate, new ChatServices(names, counting, mediator, mediator, clock));
            if (options.BalancerEdge && options.SharedBalancerPort)
            {
                edgeListener = Ports.Bind(options.BindHost, options.BalancerPort, shared: true);
                listeners.Add(edgeListener);
            }

            IActorRef? edge = edgeListener is null
                ? null
                : system.ActorOf(BalancerEdge.Props(edgeListener, balancer, counting, options.BalancerReplyTimeout, options.Counting, options.AddressLimits, mediator), "balancer-edge");
            if (edge is not null && servers.Count > 0)
            {
                // Its own servers serve, so the balancer knows one: the node is up once its port answers.
                await edge.Ask<EdgeListening>(AwaitEdgeListening.Instance, ClusterJoinTimeout);
            }

            AddShutdownTasks(system, edge, servers, storage ? stats : null);
            return new ChatNode(
                system,
                options,
                edgeListener is null ? 0 : Ports.PortOf(edgeListener),
                serverListeners.Select(Ports.PortOf).ToList(),
                serverNames,
                stats);
        }
        catch
        {
            listeners.ForEach(listener => listener.Dispose());
            if (system is not null)
            {
                await system.Terminate();
            }

            throw;
        }
    }

    /// <summary>Stops every actor (listeners close, sessions end) and leaves the cluster.</summary>
    public Task StopAsync() => CoordinatedShutdown.Get(System).Run(CoordinatedShutdown.ClrExitReason.Instance);

    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>
    /// Starts this node's servers once the whole cluster delivers broadcasts to this node,
    /// and returns when each is subscribed, registered with the balancer and accepting.
    /// </summary>
    private static async Task<(List<IActorRef> Servers, List<string> Names)> StartServersAsync(
        ActorSystem system, ChatOptions options, IReadOnlyList<Socket> listeners, IActorRef balancer, IActorRef gate, ChatServices services)
    {
        if (listeners.Count == 0)
        {
            return ([], []);
        }

        var firstIndex = options.FirstServer
            ?? (await balancer.Ask<ServerIndicesAllocated>(new AllocateServerIndices(listeners.Count), ClusterJoinTimeout)).First;
        var readiness = system.ActorOf(TopicReadiness.Props(services.ChatTopic), "topic-readiness");
        await readiness.Ask<TopicReady>(AwaitTopicReady.Instance, ClusterJoinTimeout);

        var servers = new List<IActorRef>();
        var names = new List<string>();
        for (var i = 0; i < listeners.Count; i++)
        {
            var index = firstIndex + i;
            var settings = new ServerSettings(
                index,
                options.AdvertisedHost,
                options.Capacity,
                new SessionSettings(ServerSettings.NameOf(index), options.MaxLineBytes, options.CloseDrainTimeout, options.JoinTimeout, options.Counting, options.UnjoinedTimeout, options.Input),
                options.Outbound,
                options.AddressLimits);
            servers.Add(system.ActorOf(ServerActor.Props(settings, listeners[i], balancer, gate, services), settings.Name));
            names.Add(settings.Name);
        }

        // Servers register with the balancer before they answer, so the balancer
        // knows them all before its listener takes the first client.
        await Task.WhenAll(servers.Select(server => server.Ask<ServerServing>(AwaitServing.Instance, ClusterJoinTimeout)));

        // The servers hold the node's chat topic now; the probe need not receive every broadcast.
        system.Stop(readiness);
        return (servers, names);
    }

    /// <summary>
    /// Starts the singleton's manager where the role allows and returns a proxy that finds
    /// the one instance wherever it runs (the manager and proxy names must match exactly).
    /// </summary>
    private static IActorRef Singleton(ActorSystem system, string name, string? role, object terminationMessage, Func<Props> props)
    {
        if (role is null || Cluster.Get(system).SelfRoles.Contains(role))
        {
            system.ActorOf(
                ClusterSingletonManager.Props(props(), terminationMessage, ClusterSingletonManagerSettings.Create(system).WithRole(role)),
                name);
        }

        return system.ActorOf(
            ClusterSingletonProxy.Props($"/user/{name}", ClusterSingletonProxySettings.Create(system).WithRole(role)),
            $"{name}-proxy");
    }

    /// <summary>
    /// On shutdown: first close the listeners and end the sessions (each leave journaled
    /// before its connection closes; on a node the cluster downed, at once), then, on a
    /// storage node, wait until every counted event is in storage.db.
    /// </summary>
    private static void AddShutdownTasks(ActorSystem system, IActorRef? edge, IReadOnlyList<IActorRef> servers, IActorRef? stats)
    {
        var shutdown = CoordinatedShutdown.Get(system);
        shutdown.AddTask(CoordinatedShutdown.PhaseServiceUnbind, "close-listeners", async () =>
        {
            var stopTimeout = TimeSpan.FromSeconds(4);
            // A node the cluster downed is out of it already: elsewhere its clients' names are free
            // and its servers forgotten, and nothing it counts now would count. Its clients are
            // closed at once (they come back through the balancer), not each after a leave.
            var downed = shutdown.ShutdownReason is CoordinatedShutdown.ClusterDowningReason;
            var stopping = servers.Select(server => downed ? StopAsync(server, PoisonPill.Instance) : StopAsync(server, StopServing.Instance)).ToList();
            if (edge is not null)
            {
                stopping.Add(StopAsync(edge, PoisonPill.Instance));
            }

            await Task.WhenAll(stopping);
            return Done.Instance;

            async Task StopAsync(IActorRef actor, object stopMessage)
            {
                try
                {
                    await actor.GracefulStop(stopTimeout, stopMessage);
                }
                catch (TaskCanceledException)
                {
                    system.Log.Warning("{0} did not stop within {1}", actor.Path.Name, stopTimeout);
                }
            }
        });
        if (stats is null)
        {
            return;
        }

        shutdown.AddTask(CoordinatedShutdown.PhaseBeforeClusterShutdown, "flush-storage", async () =>
        {
            var flushed = false;
            try
            {
                flushed = await stats.Ask<object>(FlushStats.Instance, FlushTimeout) is StorageFlushed;
            }
            catch (AskTimeoutException)
            {
            }

            if (!flushed)
            {
                // The writer flushes again when its singleton stops, and a writer that starts catches up from the journal.
                system.Log.Warning("storage.db was not flushed within {0}; the next start catches up from the journal", FlushTimeout);
            }

            return Done.Instance;
        });
    }

    /// <summary>Reads the stats events after a sequence number from the journal, for the DbWriter's catch-up.</summary>
    private static DbWriter.JournalReader JournalReaderFor(ActorSystem system)
    {
        var journal = ReadJournalOf(system);
        return async afterSequenceNr => await journal
            .CurrentEventsByPersistenceId(StatsActor.StatsPersistenceId, afterSequenceNr + 1, long.MaxValue)
            .Select(envelope => new StatsEventRecorded(envelope.SequenceNr, (IStatsEvent)envelope.Event))
            .RunWith(Sink.Seq<StatsEventRecorded>(), system.Materializer());
    }

    /// <summary>
    /// Akka.Persistence.Sql's read journal waits 5 s for the write journal to have its tables and
    /// gives up. Nodes of the process approach start together on one file, each creating the
    /// tables while the others hold the lock, and on a busy machine that takes longer; so the
    /// node asks again, as long as it would wait for the cluster itself.
    /// </summary>
    private static SqlReadJournal ReadJournalOf(ActorSystem system)
    {
        var giveUpAt = Environment.TickCount64 + (long)ClusterJoinTimeout.TotalMilliseconds;
        while (true)
        {
            try
            {
                return PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
            }
            catch (Exception ex) when (ex.GetBaseException() is AskTimeoutException)
            {
                if (Environment.TickCount64 >= giveUpAt)
                {
                    throw new ChatStartupException($"the stats journal was not ready within {ClusterJoinTimeout.TotalSeconds:0} s (its database stayed locked)", ex);
                }

                system.Log.Warning("The stats journal is not ready yet (its database is locked); waiting for it again");
            }
        }
    }

    private static async Task<ActorSystem> StartClusterAsync(Config config, ChatOptions options, CancellationToken stopping)
    {
        // The breaker must never cut a write short that the journal still retries: a write it
        // abandons could still land, counting what nobody was told.
        var callTimeout = options.JournalPatience + options.DbBusyTimeout + TimeSpan.FromSeconds(30);
        var seeds = string.Join(", ", options.SeedNodes.Select(ChatConfig.Quote));
        var nodeSettings = ConfigurationFactory.ParseString($$"""
            akka.remote.dot-netty.tcp {
              hostname = {{ChatConfig.Quote(options.BindHost)}}
              public-hostname = {{ChatConfig.Quote(options.AdvertisedHost)}}
              port = {{options.RemotePort}}
            }
            akka.cluster.seed-nodes = [{{seeds}}]
            akka.persistence.journal.sql.patience = {{(long)options.JournalPatience.TotalMilliseconds}}ms
            akka.persistence.journal.sql.circuit-breaker.call-timeout = {{(long)callTimeout.TotalMilliseconds}}ms
            """);
        ActorSystem system;
        try
        {
            var settings = nodeSettings
                .WithFallback(config)
                .WithFallback(DistributedPubSub.DefaultConfig())
                .WithFallback(ClusterSingleton.DefaultConfig())
                .WithFallback(SqlPersistence.DefaultConfiguration);
            // The journal, its query side and the snapshot store all connect through these options.
            var journalConnections = new DataOptions()
                .UseConnectionString(ProviderName.SQLiteMS, options.JournalDb.PooledConnectionString)
                .UseInterceptor(new SqliteBusyTimeout(options.DbBusyTimeout));
            system = ActorSystem.Create(
                ChatOptions.SystemName,
                BootstrapSetup.Create().WithConfig(settings).And(new DataOptionsSetup(journalConnections)));
        }
        catch (Exception ex)
        {
            throw new ChatStartupException($"cannot start Akka.Remote on {options.BindHost}:{options.RemotePort}: {ex.GetBaseException().Message}", ex);
        }

        // With no seed nodes the node forms a cluster of its own; with seeds, Akka joins them
        // by itself (the first seed forms the cluster when no other seed answers).
        var cluster = Cluster.Get(system);
        using var joining = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        joining.CancelAfter(ClusterJoinTimeout);
        try
        {
            if (options.SeedNodes.Count == 0)
            {
                await cluster.JoinAsync(cluster.SelfAddress, joining.Token);
            }
            else
            {
                var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                cluster.RegisterOnMemberUp(up.SetResult);
                await up.Task.WaitAsync(joining.Token);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            await system.Terminate();
            throw;
        }
        catch (Exception ex)
        {
            await system.Terminate();
            var seedsText = options.SeedNodes.Count == 0 ? "its own cluster" : $"the cluster at {string.Join(", ", options.SeedNodes)}";
            throw new ChatStartupException($"the node could not join {seedsText}: {ex.GetBaseException().Message}", ex);
        }

        return system;
    }

    /// <summary>Akka.Remote's transport would share a port another process listens on; refuse that here.</summary>
    private static void CheckRemotePortIsFree(ChatOptions options)
    {
        if (options.RemotePort != 0)
        {
            Ports.Listen(options.BindHost, options.RemotePort, shared: false, purpose: "remote-port").Dispose();
        }
    }
}
