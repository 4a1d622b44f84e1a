using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Hosting;
using ChatActors.Admin;
using Akka.Pattern;
using Akka.Persistence.Sql;
using Akka.Persistence.Sql.Config;
using ChatActors.Hosting;
using ChatActors.Hosting.Settings;
using ChatActors.Stats.Storage;
using LinqToDB;

namespace ChatActors.Stats;

/// <summary>The counting of a node: the stats journal, the stats and db-writer singletons, and this node's gate in front of them.</summary>
public static class StatsHosting
{
    /// <summary>
    /// The journal is Akka.Persistence.Sql, on SQLite or on PostgreSQL (<c>PostgreSQL.15</c>
    /// through Npgsql), configured by persistence.conf through the node's HOCON rather than by
    /// Akka.Persistence.Sql.Hosting: the hosting package's options cannot name the journal's
    /// class, and this one is <see cref="PatientSqlJournal"/>.
    /// </summary>
    /// <param name="legacyCounters">The counters of a storage.db written before the journal existed, taken over once.</param>
    public static AkkaConfigurationBuilder WithChatStats(this AkkaConfigurationBuilder akka, ChatSettings settings, StatsState? legacyCounters, TimeProvider clock)
    {
        var storage = settings.Storage;
        akka.AddHocon(SqlPersistence.DefaultConfiguration, HoconAddMode.Append)
            .AddHocon(
                $"""
                akka.persistence.journal.sql.patience = {(long)storage.JournalPatience.TotalMilliseconds}ms
                akka.persistence.journal.sql.circuit-breaker.call-timeout = {(long)storage.JournalCallTimeout.TotalMilliseconds}ms
                """,
                HoconAddMode.Prepend)
            // The journal, its query side and the snapshot store all connect through these options.
            .AddSetup(new DataOptionsSetup(JournalConnections(storage)));
        if (storage.Postgres is not null)
        {
            akka.AddHocon(
                """
                akka.persistence.journal.sql.provider-name = "PostgreSQL.15"
                akka.persistence.snapshot-store.sql.provider-name = "PostgreSQL.15"
                akka.persistence.query.journal.sql.provider-name = "PostgreSQL.15"
                """,
                HoconAddMode.Prepend);
        }

        var writerOptions = new ClusterSingletonOptions { Role = ChatNodeRoles.Storage, TerminationMessage = FlushAndStop.Instance };
        var statsOptions = new ClusterSingletonOptions { Role = ChatNodeRoles.Storage };
        if (settings.HoldsStorage)
        {
            akka.WithSingleton<DbWriter>("db-writer", (system, _, _) =>
                    DbWriter.Props(storage.Store, StatsJournal.ReaderFor(system), DbWriterSettings.Default with { FlushInterval = storage.DbFlushInterval }),
                    writerOptions)
                .WithSingleton<StatsActor>("stats", (_, registry, resolver) => StatsProps(registry, storage, legacyCounters, clock, resolver.GetService<ChatMetrics>()), statsOptions);
        }
        else
        {
            akka.WithSingletonProxy<DbWriter>("db-writer", writerOptions)
                .WithSingletonProxy<StatsActor>("stats", statsOptions);
        }

        return akka.WithActors((system, registry) => registry.Register<CountingGate>(
            system.ActorOf(CountingGate.Props(registry.Get<StatsActor>(), storage.Counting), "counting-gate")));
    }

    private static DataOptions JournalConnections(StorageSettings storage) => storage.Postgres is { } postgres
        ? new DataOptions().UseConnectionString(ProviderName.PostgreSQL15, postgres.ConnectionString)
        : new DataOptions()
            .UseConnectionString(ProviderName.SQLiteMS, storage.JournalDb.PooledConnectionString)
            .UseInterceptor(new SqliteBusyTimeout(storage.DbBusyTimeout));

    private static Props StatsProps(IActorRegistry registry, StorageSettings storage, StatsState? legacyCounters, TimeProvider clock, ChatMetrics metrics) =>
        BackoffSupervisor.Props(Backoff.OnStop(
                StatsActor.Props(clock, registry.Get<DbWriter>(), registry.Get<DistributedPubSub>(), metrics, legacyCounters, storage.StatsSnapshotInterval),
                "stats",
                TimeSpan.FromMilliseconds(200),
                TimeSpan.FromSeconds(10),
                0.2,
                -1)
            // A count that reaches no stats actor is not counted; its requester hears so at once.
            .WithReplyWhileStopped(CountRefused.Instance));
}
