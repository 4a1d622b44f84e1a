using Akka.Configuration;
using ChatActors.Balancer;
using ChatActors.Net;
using ChatActors.Session;
using ChatActors.Stats;
using ChatActors.Stats.Storage;

namespace ChatActors.Hosting.Settings;

/// <summary>
/// Reads the <c>chat-actors</c> section (and <c>akka.cluster.roles</c>) into <see cref="ChatSettings"/>,
/// checking every value: one that makes no sense stops the start with one clear line.
/// </summary>
public static class ChatSettingsReader
{
    public const string Section = "chat-actors";

    public static ChatSettings Read(Config config)
    {
        var chat = config.GetConfig(Section) ?? throw new ChatStartupException($"the configuration has no {Section} section");
        var approach = chat.GetString("approach", "fork");
        if (approach is not ("fork" or "process"))
        {
            throw new ChatStartupException($"unknown approach \"{approach}\"; use \"fork\" or \"process\"");
        }

        var algorithmName = chat.GetString("algorithm");
        if (!BalancingAlgorithms.TryParse(algorithmName, out var algorithm))
        {
            throw new ChatStartupException(
                $"unknown algorithm \"{algorithmName}\"; use \"{BalancingAlgorithms.RoundRobinName}\" or \"{BalancingAlgorithms.LeastConnectionName}\"");
        }

        // A node of the process approach may hold no server (node 0 holds the balancer edge only).
        var servers = GetInt(chat, "servers", approach == "process" ? 0 : 1, 1000);
        int? firstServer = chat.GetString("first-server", "0") == "auto" ? null : GetInt(chat, "first-server", 0, 100_000);
        var storage = Storage(chat);
        var roles = config.GetStringList("akka.cluster.roles").ToList();
        if (storage.Postgres is not null && !roles.Contains(ChatNodeRoles.Storage))
        {
            // Every node reaches PostgreSQL, so the singletons that write it may run on any of them.
            roles.Add(ChatNodeRoles.Storage);
        }

        return new ChatSettings(
            servers,
            firstServer,
            algorithm,
            roles,
            Network(chat, servers, sharedBalancerPort: approach == "process"),
            Limits(chat),
            storage,
            Timeouts(chat),
            Output(chat),
            Admin(chat));
    }

    private static NetworkSettings Network(Config chat, int servers, bool sharedBalancerPort)
    {
        var bindHost = chat.GetString("bind-host", "127.0.0.1");
        var advertisedHost = chat.GetString("advertised-host", string.Empty);
        var serverPort = GetInt(chat, "server-port", 0, 65535);
        if (serverPort != 0 && serverPort + servers - 1 > 65535)
        {
            throw new ChatStartupException($"server-port {serverPort} leaves no room for {servers} servers below 65536");
        }

        return new NetworkSettings(
            bindHost,
            string.IsNullOrWhiteSpace(advertisedHost) ? bindHost : advertisedHost,
            GetInt(chat, "balancer-port", 0, 65535),
            serverPort,
            GetInt(chat, "remote-port", 0, 65535),
            SeedAddresses(chat.GetString("seed-nodes", string.Empty)),
            chat.GetBoolean("balancer-edge", true),
            sharedBalancerPort);
    }

    private static LimitSettings Limits(Config chat) => new(
        GetInt(chat, "capacity", 1, 1_000_000),
        GetInt(chat, "max-line-bytes", 1, 1 << 24),
        new OutboundLimits(GetInt(chat, "outbound-max-messages", 1, int.MaxValue), GetLong(chat, "outbound-max-bytes", 1)),
        new InputLimits(
            GetInt(chat, "input-lines-per-second", 1, int.MaxValue),
            GetInt(chat, "input-line-burst", 1, int.MaxValue),
            GetInt(chat, "input-bytes-per-second", 1, int.MaxValue),
            GetInt(chat, "input-byte-burst", 1, int.MaxValue),
            GetPositiveTime(chat, "input-flood-cut-off", TimeSpan.FromSeconds(30))),
        new AddressLimits(
            GetInt(chat, "address-connections-per-server", 1, int.MaxValue),
            GetInt(chat, "address-connections-per-node", 1, int.MaxValue),
            GetPositiveDouble(chat, "address-balancer-connects-per-second"),
            GetInt(chat, "address-balancer-connect-burst", 1, int.MaxValue),
            chat.GetBoolean("address-limits-exempt-loopback", true)));

    private static StorageSettings Storage(Config chat)
    {
        var db = chat.GetString("db", "storage.db");
        var postgres = PostgresDatabase.IsUrl(db) ? PostgresDatabase.FromUrl(db) : null;
        var dbPath = postgres is null ? Path.GetFullPath(db) : string.Empty;
        var journalDb = chat.GetString("journal-db", string.Empty);
        return new StorageSettings(
            dbPath,
            postgres,
            string.IsNullOrWhiteSpace(journalDb) ? dbPath : Path.GetFullPath(journalDb),
            GetPositiveTime(chat, "db-flush-interval", TimeSpan.FromMilliseconds(250)),
            GetInt(chat, "stats-snapshot-interval", 1, int.MaxValue),
            GetPositiveTime(chat, "db-busy-timeout", TimeSpan.FromSeconds(5)),
            GetPositiveTime(chat, "journal-patience", TimeSpan.FromSeconds(90)),
            GetPositiveTime(chat, "stats-accept-timeout", TimeSpan.FromSeconds(10)));
    }

    private static TimeoutSettings Timeouts(Config chat) => new(
        GetTimeOrZero(chat, "reservation-timeout", TimeSpan.FromSeconds(10), "no reservations"),
        GetPositiveTime(chat, "balancer-reply-timeout", TimeSpan.FromSeconds(3)),
        GetPositiveTime(chat, "close-drain-timeout", TimeSpan.FromSeconds(5)),
        GetPositiveTime(chat, "join-timeout", TimeSpan.FromSeconds(10)),
        GetPositiveTime(chat, "unjoined-timeout", TimeSpan.FromSeconds(30)),
        GetTimeOrZero(chat, "relearn-window", TimeSpan.FromSeconds(1), "no wait"),
        GetTimeOrZero(chat, "memory-trim-interval", TimeSpan.FromSeconds(5), "never"));

    private static AdminSettings Admin(Config chat) => new(
        GetInt(chat, "admin-port", 0, 65535),
        chat.GetString("admin-host", "127.0.0.1"),
        chat.GetBoolean("admin-port-given", false),
        chat.GetString("admin-token", string.Empty),
        GetPositiveTime(chat, "drain-window", TimeSpan.FromSeconds(10)));

    private static OutputSettings Output(Config chat) => new(
        chat.GetString("log-file", string.Empty),
        chat.GetBoolean("log-to-console", true),
        chat.GetBoolean("verbose", false),
        chat.GetBoolean("live-view", false),
        ProcessIds(chat.GetString("watch-pids", string.Empty)),
        chat.GetString("drained-file", string.Empty));

    private static List<int> ProcessIds(string text)
    {
        var ids = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, out var pid) || pid <= 0)
            {
                throw new ChatStartupException($"watch-pids must be process ids separated by commas, not \"{text}\"");
            }

            ids.Add(pid);
        }

        return ids;
    }

    /// <summary>"host:port, host:port" as Akka addresses of this actor system.</summary>
    private static List<string> SeedAddresses(string text)
    {
        var seeds = new List<string>();
        foreach (var seed in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = seed.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(seed[(colon + 1)..], out var port) || port is < 1 or > 65535)
            {
                throw new ChatStartupException($"\"{seed}\" is not HOST:PORT (a running node's Akka.Remote address, e.g. 127.0.0.1:5000)");
            }

            seeds.Add($"akka.tcp://{ChatSettings.SystemName}@{seed[..colon]}:{port}");
        }

        return seeds;
    }

    private static TimeSpan GetPositiveTime(Config config, string key, TimeSpan fallback) =>
        GetTime(config, key, fallback, value => value > TimeSpan.Zero, "a positive time such as 5s");

    /// <param name="zeroMeans">What 0s turns the setting into, for the error line.</param>
    private static TimeSpan GetTimeOrZero(Config config, string key, TimeSpan fallback, string zeroMeans) =>
        GetTime(config, key, fallback, value => value >= TimeSpan.Zero, $"a time such as 5s, or 0s for {zeroMeans}");

    private static TimeSpan GetTime(Config config, string key, TimeSpan fallback, Func<TimeSpan, bool> isValid, string expected)
    {
        TimeSpan value;
        try
        {
            value = config.GetTimeSpan(key, fallback);
        }
        catch (FormatException)
        {
            // Not a time at all (HOCON has no negative ones either): refused below like any other.
            value = TimeSpan.MinValue;
        }

        return isValid(value) ? value : throw new ChatStartupException($"{key} must be {expected}, not \"{config.GetString(key)}\"");
    }

    private static double GetPositiveDouble(Config config, string key)
    {
        var text = config.GetString(key);
        return double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) && value > 0 && double.IsFinite(value)
            ? value
            : throw new ChatStartupException($"{key} must be a positive number such as 10 or 0.5, not \"{text}\"");
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
