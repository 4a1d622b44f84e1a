using Akka.Configuration;
using ChatActors.Hosting;

namespace ChatActors.Tests.Support;

/// <summary>Starts a real ChatActors node on free ports (every port 0) for one test; without an admin port unless a spec gives one.</summary>
public static class TestNode
{
    public static Task<ChatNode> StartAsync(int servers = 3, int capacity = 100, string extraHocon = "", string? dbPath = null) =>
        ChatNode.StartAsync(Config(servers, capacity, extraHocon, dbPath), TimeProvider.System);

    /// <param name="dbPath">storage.db; by default a new file in a new temporary folder.</param>
    public static Config Config(int servers = 3, int capacity = 100, string extraHocon = "", string? dbPath = null) =>
        ConfigurationFactory.ParseString($$"""
            chat-actors {
              db = {{ChatConfig.Quote(dbPath ?? NewDatabasePath())}}
              servers = {{servers}}
              capacity = {{capacity}}
              balancer-port = 0
              server-port = 0
              remote-port = 0
              admin-port = 0
              close-drain-timeout = 2s
            }
            akka.loglevel = WARNING
            akka.stdout-loglevel = WARNING
            {{extraHocon}}
            """).WithFallback(ChatConfig.LoadBase());

    /// <summary>hocon/bench.conf: for specs that send lines faster than a person would, as load generators do.</summary>
    public static string WithoutFloodControl => File.ReadAllText(Path.Combine(Repository.Root, "hocon", "bench.conf"));

    public static string NewDatabasePath() =>
        Path.Combine(TestFolders.Create(), "storage.db");
}
