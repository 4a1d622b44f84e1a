using Akka.Configuration;
using ChatActors.Balancing;
using ChatActors.Net;

namespace ChatActors.Hosting;

/// <summary>The <c>chat-actors</c> section of the HOCON, checked.</summary>
public sealed record ChatOptions(
    int Servers,
    BalancingAlgorithm Algorithm,
    int Capacity,
    string DbPath,
    string BindHost,
    string AdvertisedHost,
    int BalancerPort,
    int ServerPort,
    int RemotePort,
    int MaxLineBytes,
    OutboundLimits Outbound,
    TimeSpan ReservationTimeout,
    TimeSpan BalancerReplyTimeout,
    TimeSpan CloseDrainTimeout,
    TimeSpan JoinTimeout,
    string JournalDbPath,
    TimeSpan DbFlushInterval,
    int StatsSnapshotInterval)
{
    public const string Section = "chat-actors";

    public static ChatOptions FromConfig(Config config)
    {
        var chat = config.GetConfig(Section) ?? throw new ChatStartupException($"the configuration has no {Section} section");
        var approach = chat.GetString("approach", "fork");
        if (approach != "fork")
        {
            throw new ChatStartupException(approach == "process"
                ? "approach \"process\" is not available yet; use \"fork\""
                : $"unknown approach \"{approach}\"; use \"fork\"");
        }

        var algorithmName = chat.GetString("algorithm");
        if (!BalancingAlgorithms.TryParse(algorithmName, out var algorithm))
        {
            throw new ChatStartupException(
                $"unknown algorithm \"{algorithmName}\"; use \"{BalancingAlgorithms.RoundRobinName}\" or \"{BalancingAlgorithms.LeastConnectionName}\"");
        }

        var bindHost = chat.GetString("bind-host", "127.0.0.1");
        var advertisedHost = chat.GetString("advertised-host", string.Empty);
        var servers = GetInt(chat, "servers", 1, 1000);
        var serverPort = GetInt(chat, "server-port", 0, 65535);
        if (serverPort != 0 && serverPort + servers - 1 > 65535)
        {
            throw new ChatStartupException($"server-port {serverPort} leaves no room for {servers} servers below 65536");
        }

        var dbPath = Path.GetFullPath(chat.GetString("db", "storage.db"));
        var journalDb = chat.GetString("journal-db", string.Empty);
        return new ChatOptions(
            servers,
            algorithm,
            GetInt(chat, "capacity", 1, 1_000_000),
            dbPath,
            bindHost,
            string.IsNullOrWhiteSpace(advertisedHost) ? bindHost : advertisedHost,
            GetInt(chat, "balancer-port", 0, 65535),
            serverPort,
            GetInt(chat, "remote-port", 0, 65535),
            GetInt(chat, "max-line-bytes", 1, 1 << 24),
            new OutboundLimits(GetInt(chat, "outbound-max-messages", 1, int.MaxValue), GetLong(chat, "outbound-max-bytes", 1)),
            chat.GetTimeSpan("reservation-timeout"),
            chat.GetTimeSpan("balancer-reply-timeout"),
            chat.GetTimeSpan("close-drain-timeout"),
            chat.GetTimeSpan("join-timeout"),
            string.IsNullOrWhiteSpace(journalDb) ? dbPath : Path.GetFullPath(journalDb),
            chat.GetTimeSpan("db-flush-interval", TimeSpan.FromMilliseconds(250)),
            GetInt(chat, "stats-snapshot-interval", 1, int.MaxValue));
    }

    private static int GetInt(Config config, string key, int min, int max) => (int)GetLong(config, key, min, max);

    private static long GetLong(Config config, string key, long min, long max = long.MaxValue)
    {
        var text = config.GetString(key);
        if (!long.TryParse(text, out var value) || value < min || value > max)
        {
            throw new ChatStartupException($"{key} must be a whole number from {min} to {max}, not \"{text}\"");
        }

        return value;
    }
}
