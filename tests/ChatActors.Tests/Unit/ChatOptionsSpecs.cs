using ChatActors.Hosting;
using ChatActors.Tests.Support;

namespace ChatActors.Tests.Unit;

/// <summary>The node's options as the configuration gives them, and a clear error for a value that makes no sense.</summary>
public class ChatOptionsSpecs
{
    [Theory]
    [InlineData("", 5)]
    [InlineData("chat-actors.memory-trim-interval = 1s", 1)]
    [InlineData("chat-actors.memory-trim-interval = 0s", 0)]
    public void The_memory_trim_interval_is_a_time_or_0s_for_never(string hocon, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), ChatOptions.FromConfig(TestNode.Config(extraHocon: hocon)).MemoryTrimInterval);

    [Theory]
    [InlineData("memory-trim-interval = -5s", "memory-trim-interval must be a time such as 5s, or 0s for never, not \"-5s\"")]
    [InlineData("memory-trim-interval = soon", "memory-trim-interval must be a time such as 5s, or 0s for never, not \"soon\"")]
    [InlineData("journal-patience = soon", "journal-patience must be a positive time such as 5s, not \"soon\"")]
    [InlineData("journal-patience = 0s", "journal-patience must be a positive time such as 5s, not \"0s\"")]
    public void A_time_that_makes_no_sense_is_refused_with_one_clear_line(string setting, string expected)
    {
        var error = Assert.Throws<ChatStartupException>(() => ChatOptions.FromConfig(TestNode.Config(extraHocon: $"chat-actors.{setting}")));
        Assert.Equal(expected, error.Message);
    }
}
