using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Cluster.Tools.Singleton;
using Akka.Configuration;
using Akka.Hosting;
using Akka.Remote.Hosting;
using ChatActors.Admin;
using ChatActors.Balancer;
using ChatActors.Hosting.Logging;
using ChatActors.Hosting.Settings;
using ChatActors.Names;
using ChatActors.Stats;
using ChatActors.Stats.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ChatActors.Hosting;

/// <summary>
/// A ChatActors node as a .NET Generic Host: Akka.Hosting runs its actor system (remoting,
/// clustering, pub/sub, the singletons and gates, each feature adding itself), and
/// <see cref="ChatNodeService"/> starts what it serves once the system runs.
/// </summary>
public static class ChatHost
{
    /// <summary>
    /// Checks the settings and takes the node's ports and storage.db first, so that a mistake
    /// fails at once with one line (<see cref="ChatStartupException"/>), then builds the host.
    /// </summary>
    /// <param name="config">The full configuration: the chat-actors section over the base HOCON.</param>
    /// <param name="logging">Where the log goes; nowhere by default.</param>
    public static IHost Build(Config config, TimeProvider clock, Action<ILoggingBuilder, ChatSettings>? logging = null)
    {
        var settings = ChatSettingsReader.Read(config);
        var listeners = NodeListeners.Bind(settings);
        try
        {
            var legacyCounters = PrepareStorage(settings);
            var admin = listeners.Admin;
            var web = admin.Listener is { } adminListener ? AdminHosting.CreateBuilder(adminListener) : null;
            IHostApplicationBuilder builder = web is not null ? web : Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Logging.ClearProviders();
            logging?.Invoke(builder.Logging, settings);
            // Leaves are journaled and storage.db flushed before the node stops; Akka's phases time that.
            builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromMinutes(3));
            builder.Services.AddSingleton(settings).AddSingleton(listeners).AddSingleton(clock).AddSingleton(admin);
            builder.Services.AddMetrics().AddSingleton<ChatMetrics>();
            builder.Services.AddAkka(ChatSettings.SystemName, akka => akka.WithChatNode(config, settings, legacyCounters, clock));
            builder.Services.AddSingleton<ChatNodeService>().AddHostedService(services => services.GetRequiredService<ChatNodeService>());
            builder.Services.AddSingleton<NodeDrain>().AddSingleton<IHostLifetime, ChatNodeLifetime>();
            var host = web is null ? ((HostApplicationBuilder)builder).Build() : AdminHosting.Build(web);
            if (admin.Notice is { } notice)
            {
                host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AdminPlan)).LogWarning("{Notice}", notice);
            }

            return host;
        }
        catch
        {
            listeners.Dispose();
            throw;
        }
    }

    private static AkkaConfigurationBuilder WithChatNode(this AkkaConfigurationBuilder akka, Config config, ChatSettings settings, StatsState? legacyCounters, TimeProvider clock)
    {
        var network = settings.Network;
        return akka
            // The user's HOCON (base.conf, persistence.conf, a node's own file, -Config) under what the settings decide.
            .AddHocon(config, HoconAddMode.Append)
            .AddHocon(ClusterSingleton.DefaultConfig(), HoconAddMode.Append)
            .ConfigureLoggers(loggers =>
            {
                loggers.ClearLoggers();
                loggers.AddLogger<AkkaToMicrosoftLogging>();
            })
            .WithRemoting(new RemoteOptions { HostName = network.BindHost, PublicHostName = network.AdvertisedHost, Port = network.RemotePort })
            .WithClustering(new ClusterOptions
            {
                Roles = settings.Roles.ToArray(),
                SeedNodes = network.SeedNodes.ToArray(),
                SplitBrainResolver = new KeepMajorityOption(),
            })
            .WithDistributedPubSub(string.Empty)
            .WithChatStats(settings, legacyCounters, clock)
            .WithNameRegistry(settings.Timeouts.RelearnWindow)
            .WithChatBalancer(settings, clock)
            .WithActors((system, _) =>
            {
                system.ActorOf(ClusterEventLogger.Props(), "cluster-events");
                if (settings.Timeouts.MemoryTrimInterval > TimeSpan.Zero)
                {
                    system.ActorOf(MemoryTrim.Props(new MemoryTrim.RuntimeCollector(), settings.Timeouts.MemoryTrimInterval), "memory-trim");
                }
            });
    }

    /// <summary>The original tables on a node that holds storage; the counters they held before the journal existed.</summary>
    private static StatsState? PrepareStorage(ChatSettings settings)
    {
        if (!settings.HoldsStorage)
        {
            return null;
        }

        var legacyCounters = settings.Storage.Store.Prepare();
        if (settings.Storage.Postgres is null && settings.Storage.JournalDbPath != settings.Storage.DbPath)
        {
            StorageDatabase.PrepareJournalFile(settings.Storage.JournalDb);
        }

        return legacyCounters;
    }
}
