using System.Net;
using System.Net.Sockets;
using Akka;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Configuration;
using Akka.Pattern;
using Akka.Persistence.Query;
using Akka.Persistence.Sql;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using ChatActors.Actors;
using ChatActors.Messages;
using ChatActors.Stats;
using ChatActors.Storage;

namespace ChatActors.Hosting;

/// <summary>
/// One running ChatActors node in the <c>fork</c> approach: a single-node Akka cluster
/// with the balancer, every server, the name registry and the stats actor.
/// </summary>
public sealed class ChatNode : IAsyncDisposable
{
    private static readonly TimeSpan ClusterJoinTimeout = TimeSpan.FromSeconds(20);

    private ChatNode(ActorSystem system, ChatOptions options, int balancerPort, IReadOnlyList<int> serverPorts, IActorRef stats)
    {
        System = system;
        Options = options;
        BalancerPort = balancerPort;
        ServerPorts = serverPorts;
        Stats = stats;
    }

    public ActorSystem System { get; }

    public ChatOptions Options { get; }

    public int BalancerPort { get; }

    public IReadOnlyList<int> ServerPorts { get; }

    public IActorRef Stats { get; }

    public Task Terminated => System.WhenTerminated;

    /// <param name="config">The full configuration: the chat-actors section over the base HOCON.</param>
    public static async Task<ChatNode> StartAsync(Config config, TimeProvider clock)
    {
        var options = ChatOptions.FromConfig(config);
        var listeners = new List<Socket>();
        ActorSystem? system = null;
        try
        {
            listeners.Add(Listen(options.BindHost, options.BalancerPort));
            for (var i = 0; i < options.Servers; i++)
            {
                listeners.Add(Listen(options.BindHost, options.ServerPort == 0 ? 0 : options.ServerPort + i));
            }

            var legacyCounters = StorageDatabase.Prepare(options.DbPath);

            system = await StartClusterAsync(config, options);
            var dbWriter = system.ActorOf(
                DbWriter.Props(options.DbPath, JournalReaderFor(system), DbWriterSettings.Default with { FlushInterval = options.DbFlushInterval }),
                "db-writer");
            var stats = system.ActorOf(
                BackoffSupervisor.Props(Backoff.OnStop(
                    StatsActor.Props(clock, dbWriter, legacyCounters, options.StatsSnapshotInterval),
                    "stats",
                    TimeSpan.FromMilliseconds(200),
                    TimeSpan.FromSeconds(10),
                    0.2,
                    -1)),
                "stats-supervisor");
            var names = system.ActorOf(NameRegistry.Props(), "names");
            var balancer = system.ActorOf(BalancerActor.Props(options.Algorithm, options.ReservationTimeout, stats, clock), "balancer");
            var services = new ChatServices(names, stats, DistributedPubSub.Get(system).Mediator);
            var servers = new List<IActorRef>();
            for (var i = 0; i < options.Servers; i++)
            {
                var settings = new ServerSettings(
                    i,
                    options.AdvertisedHost,
                    options.Capacity,
                    new SessionSettings(ServerSettings.NameOf(i), options.MaxLineBytes, options.CloseDrainTimeout, options.JoinTimeout),
                    options.Outbound);
                servers.Add(system.ActorOf(ServerActor.Props(settings, listeners[i + 1], balancer, services), settings.Name));
            }

            // Servers register with the balancer before they answer, so the balancer
            // knows them all before its listener takes the first client.
            await Task.WhenAll(servers.Select(server => server.Ask<ServerServing>(AwaitServing.Instance, ClusterJoinTimeout)));

            var edge = system.ActorOf(BalancerEdge.Props(listeners[0], balancer, options.BalancerReplyTimeout), "balancer-edge");
            AddShutdownTasks(system, [edge, .. servers], stats);
            return new ChatNode(system, options, PortOf(listeners[0]), listeners.Skip(1).Select(PortOf).ToList(), stats);
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
    /// On shutdown: first close the listeners and end the sessions (their leaves are
    /// counted), then wait until every counted event is in storage.db.
    /// </summary>
    private static void AddShutdownTasks(ActorSystem system, IReadOnlyList<IActorRef> listeners, IActorRef stats)
    {
        var shutdown = CoordinatedShutdown.Get(system);
        shutdown.AddTask(CoordinatedShutdown.PhaseServiceUnbind, "close-listeners", async () =>
        {
            await Task.WhenAll(listeners.Select(listener => listener.GracefulStop(TimeSpan.FromSeconds(4))));
            return Done.Instance;
        });
        shutdown.AddTask(CoordinatedShutdown.PhaseBeforeClusterShutdown, "flush-storage", async () =>
        {
            await stats.Ask<StorageFlushed>(FlushStats.Instance, TimeSpan.FromSeconds(25));
            return Done.Instance;
        });
    }

    /// <summary>Reads the stats events after a sequence number from the journal, for the DbWriter's catch-up.</summary>
    private static DbWriter.JournalReader JournalReaderFor(ActorSystem system)
    {
        var journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        return async afterSequenceNr => await journal
            .CurrentEventsByPersistenceId(StatsActor.StatsPersistenceId, afterSequenceNr + 1, long.MaxValue)
            .Select(envelope => new StatsEventRecorded(envelope.SequenceNr, (IStatsEvent)envelope.Event))
            .RunWith(Sink.Seq<StatsEventRecorded>(), system.Materializer());
    }

    private static async Task<ActorSystem> StartClusterAsync(Config config, ChatOptions options)
    {
        var journal = ChatConfig.Quote(StorageDatabase.ConnectionString(options.JournalDbPath));
        var nodeSettings = ConfigurationFactory.ParseString($$"""
            akka.remote.dot-netty.tcp { hostname = {{ChatConfig.Quote(options.BindHost)}}, port = {{options.RemotePort}} }
            akka.persistence.journal.sql.connection-string = {{journal}}
            akka.persistence.snapshot-store.sql.connection-string = {{journal}}
            akka.persistence.query.journal.sql.connection-string = {{journal}}
            """);
        ActorSystem system;
        try
        {
            system = ActorSystem.Create(
                "ChatActors",
                nodeSettings.WithFallback(config).WithFallback(DistributedPubSub.DefaultConfig()).WithFallback(SqlPersistence.DefaultConfiguration));
        }
        catch (Exception ex)
        {
            throw new ChatStartupException($"cannot start Akka.Remote on {options.BindHost}:{options.RemotePort}: {ex.GetBaseException().Message}", ex);
        }

        var cluster = Cluster.Get(system);
        using var joining = new CancellationTokenSource(ClusterJoinTimeout);
        try
        {
            await cluster.JoinAsync(cluster.SelfAddress, joining.Token);
        }
        catch (Exception ex)
        {
            await system.Terminate();
            throw new ChatStartupException($"the node could not form its cluster: {ex.GetBaseException().Message}", ex);
        }

        return system;
    }

    private static Socket Listen(string host, int port)
    {
        var address = Resolve(host);
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(address, port));
            socket.Listen(512);
            return socket;
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new ChatStartupException(ex.SocketErrorCode == SocketError.AddressAlreadyInUse
                ? $"port {port} on {host} is already in use"
                : $"cannot listen on {host}:{port}: {ex.Message}", ex);
        }
    }

    private static IPAddress Resolve(string host)
    {
        if (IPAddress.TryParse(host, out var address))
        {
            return address;
        }

        try
        {
            return Dns.GetHostAddresses(host).First();
        }
        catch (Exception ex) when (ex is SocketException or InvalidOperationException)
        {
            throw new ChatStartupException($"bind-host \"{host}\" does not resolve to an address", ex);
        }
    }

    private static int PortOf(Socket listener) => ((IPEndPoint)listener.LocalEndPoint!).Port;
}
