using ChatActors.Protocol;

namespace ChatActors.Tests.Unit;

public class ChatRulesSpecs
{
    [Theory]
    [InlineData("alice joined the server", "alice")]
    [InlineData("  alice joined the server  ", "alice")]
    [InlineData("Ünïcødé✓ joined the server", "Ünïcødé✓")]
    [InlineData("abcdefghijklmnopqrstuvwxyz012345 joined the server", "abcdefghijklmnopqrstuvwxyz012345")]
    public void Valid_joins_yield_the_name(string message, string expected)
    {
        Assert.True(ChatRules.TryParseJoin(message, out var name));
        Assert.Equal(expected, name);
    }

    [Theory]
    [InlineData("alice")]
    [InlineData(" joined the server")]
    [InlineData("two words joined the server")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456 joined the server")]
    [InlineData("tab\tname joined the server")]
    [InlineData("bell\u0007 joined the server")]
    [InlineData("alice joined the server!")]
    public void Invalid_joins_are_refused(string message) => Assert.False(ChatRules.TryParseJoin(message, out _));

    [Theory]
    [InlineData("alice : hello", "alice : hello")]
    [InlineData("bob : hello", "alice : hello")]
    [InlineData("hello there", "alice : hello there")]
    [InlineData("alice : a : b", "alice : a : b")]
    [InlineData("please stop that", "alice : please stop that")]
    [InlineData("stop that now", "alice : stop that now")]
    [InlineData("alice : stop", "alice : stop")]
    public void Chat_is_broadcast_under_the_senders_own_name(string message, string expected) =>
        Assert.Equal(new ChatCommand(expected), ChatRules.Interpret(message, "alice"));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("alice : ")]
    [InlineData("bob :   ")]
    public void Empty_text_is_ignored(string message) => Assert.Same(IgnoredCommand.Instance, ChatRules.Interpret(message, "alice"));

    [Theory]
    [InlineData("stop", null, false)]
    [InlineData("  stop  ", null, false)]
    [InlineData("stop 4", 4.0, false)]
    [InlineData("stop 4.5", 4.5, false)]
    [InlineData("stop 1", 1.0, false)]
    [InlineData("stop 5", 5.0, false)]
    [InlineData("stop 9", null, true)]
    [InlineData("stop 0.5", null, true)]
    [InlineData("stop abc", null, true)]
    [InlineData("stop -3", null, true)]
    [InlineData("stop 4,5", null, true)]
    [InlineData("stop NaN", null, true)]
    public void Stop_leaves_with_a_valid_rating_or_none(string message, double? rating, bool invalid) =>
        Assert.Equal(new LeaveCommand(rating, invalid), ChatRules.Interpret(message, "alice"));
}
