using System.Text;
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

public class CleanTextSpecs
{
    [Theory]
    [InlineData("hello\u001b[2J\u001b[Hworld", "alice : helloworld")]
    [InlineData("a\u001b]0;owned\u0007b", "alice : ab")]
    [InlineData("a\u001b]0;owned\u001b\\b", "alice : ab")]
    [InlineData("reset\u001bc!", "alice : reset!")]
    [InlineData("nul\u0000 bell\u0007 cr\r del\u007f c1\u0085\u009b end", "alice : nul bell cr del c1 end")]
    [InlineData("tab\tstays", "alice : tab\tstays")]
    [InlineData("\u001b[31m", null)]
    public void Control_characters_and_escape_sequences_never_reach_another_screen(string message, string? expected)
    {
        var command = ChatRules.Interpret(message, "alice");
        if (expected is null)
        {
            Assert.Same(IgnoredCommand.Instance, command);
        }
        else
        {
            Assert.Equal(new ChatCommand(expected), command);
        }
    }

    [Fact]
    public void A_stop_with_an_escape_sequence_in_it_is_still_a_leave() =>
        Assert.Equal(new LeaveCommand(4, false), ChatRules.Interpret("\u001b[1mstop 4\u001b[0m", "alice"));

    [Theory]
    [InlineData("zero\u200Bwidth")]
    [InlineData("evil\u202Eeman")]
    [InlineData("join\u200Der")]
    [InlineData("bad\uFFFDbytes")]
    [InlineData("\uE000private")]
    public void Names_with_invisible_or_undecodable_characters_are_refused(string name) =>
        Assert.False(ChatRules.TryParseJoin($"{name} joined the server", out _));

    [Theory]
    [InlineData("Re\u0301ne", "Réne")]
    [InlineData("\uFF41\uFF4E\uFF4E", "ann")]
    public void Names_that_look_the_same_are_the_same_name(string typed, string expected)
    {
        Assert.True(ChatRules.TryParseJoin($"{typed} joined the server", out var name));
        Assert.Equal(expected, name);
    }
    [Theory]
    [InlineData("ann : hello\n", 1)]
    [InlineData("ann : hello\nann : \tthere  \n", 2)]
    [InlineData("ann : 1234567890\n", 1)] // 16 bytes: at the limit
    public void Whole_plain_lines_spoken_as_oneself_are_broadcast_as_read(string read, int lines)
    {
        Assert.True(ChatRules.IsBroadcastAsRead(Encoding.UTF8.GetBytes(read), "ann : "u8, 16, out var count));
        Assert.Equal(lines, count);
    }

    [Theory]
    [InlineData("ann : 12345678901\n")] // 17 bytes: one past the limit
    [InlineData("ann : hello")] // no line end: a line still to come
    [InlineData("ann : hello\nbob : hi\n")] // speaks as someone else: renamed
    [InlineData("hello\n")] // without the name: the name is added
    [InlineData("ann :  \t \n")] // nothing said: ignored
    [InlineData("ann : hi\r\n")] // the \r is dropped
    [InlineData("ann : \u001b[2Jhi\n")] // an escape sequence is taken out
    [InlineData("ann : caf\u00e9\n")] // not ASCII: decoded and cleaned
    [InlineData("\n")]
    [InlineData("")]
    public void Anything_the_rules_would_change_is_not_broadcast_as_read(string read) =>
        Assert.False(ChatRules.IsBroadcastAsRead(Encoding.UTF8.GetBytes(read), "ann : "u8, 16, out _));
}
