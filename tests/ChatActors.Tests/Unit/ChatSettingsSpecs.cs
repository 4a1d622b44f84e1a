using ChatActors.Hosting;
using ChatActors.Hosting.Settings;
using ChatActors.Tests.Support;

namespace ChatActors.Tests.Unit;

/// <summary>The node's options as the configuration gives them, and a clear error for a value that makes no sense.</summary>
public class ChatSettingsSpecs
{
    [Theory]
    [InlineData("", 5)]
    [InlineData("chat-actors.memory-trim-interval = 1s", 1)]
    [InlineData("chat-actors.memory-trim-interval = 0s", 0)]
    public void The_memory_trim_interval_is_a_time_or_0s_for_never(string hocon, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), ChatSettingsReader.Read(TestNode.Config(extraHocon: hocon)).Timeouts.MemoryTrimInterval);

    [Theory]
    [InlineData("", 1, 10)]
    [InlineData("chat-actors { relearn-window = 0s, reservation-timeout = 0s }", 0, 0)]
    public void The_balancers_waits_may_be_left_out_with_0s(string hocon, int relearnSeconds, int reservationSeconds)
    {
        var timeouts = ChatSettingsReader.Read(TestNode.Config(extraHocon: hocon)).Timeouts;
        Assert.Equal(TimeSpan.FromSeconds(relearnSeconds), timeouts.RelearnWindow);
        Assert.Equal(TimeSpan.FromSeconds(reservationSeconds), timeouts.ReservationTimeout);
    }

    [Theory]
    [InlineData("memory-trim-interval = -5s", "memory-trim-interval must be a time such as 5s, or 0s for never, not \"-5s\"")]
    [InlineData("memory-trim-interval = soon", "memory-trim-interval must be a time such as 5s, or 0s for never, not \"soon\"")]
    [InlineData("journal-patience = soon", "journal-patience must be a positive time such as 5s, not \"soon\"")]
    [InlineData("journal-patience = 0s", "journal-patience must be a positive time such as 5s, not \"0s\"")]
    [InlineData("join-timeout = 0s", "join-timeout must be a positive time such as 5s, not \"0s\"")]
    [InlineData("balancer-reply-timeout = 0s", "balancer-reply-timeout must be a positive time such as 5s, not \"0s\"")]
    [InlineData("close-drain-timeout = 0s", "close-drain-timeout must be a positive time such as 5s, not \"0s\"")]
    [InlineData("db-flush-interval = later", "db-flush-interval must be a positive time such as 5s, not \"later\"")]
    [InlineData("reservation-timeout = -1s", "reservation-timeout must be a time such as 5s, or 0s for no reservations, not \"-1s\"")]
    [InlineData("relearn-window = soon", "relearn-window must be a time such as 5s, or 0s for no wait, not \"soon\"")]
    public void A_time_that_makes_no_sense_is_refused_with_one_clear_line(string setting, string expected)
    {
        var error = Assert.Throws<ChatStartupException>(() => ChatSettingsReader.Read(TestNode.Config(extraHocon: $"chat-actors.{setting}")));
        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void A_postgresql_db_selects_PostgreSQL_and_gives_every_node_the_storage_role()
    {
        var settings = ChatSettingsReader.Read(TestNode.Config(extraHocon: "chat-actors.db = \"postgresql://chat:p%40ss@db.example:5433/chats\"\nakka.cluster.roles = []"));

        Assert.Equal("postgresql://chat@db.example:5433/chats", settings.Storage.Postgres?.Name);
        Assert.Contains("Password=p@ss", settings.Storage.Postgres!.ConnectionString);
        Assert.Equal([ChatNodeRoles.Storage], settings.Roles);
    }

    [Theory]
    [InlineData("postgresql://db.example/chats")]
    [InlineData("postgresql://chat:secret@db.example")]
    [InlineData("postgresql://chat:secret@/chats")]
    public void A_postgresql_url_without_its_user_host_or_database_is_refused_without_showing_the_password(string url)
    {
        var error = Assert.Throws<ChatStartupException>(() => ChatSettingsReader.Read(TestNode.Config(dbPath: url)));
        Assert.StartsWith("db \"", error.Message);
        Assert.EndsWith("\" is not postgresql://USER:PASSWORD@HOST:PORT/DATABASE", error.Message);
        Assert.DoesNotContain("secret", error.Message);
    }
}
