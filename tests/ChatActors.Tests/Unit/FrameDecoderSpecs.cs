using System.Text;
using ChatActors.Protocol;

namespace ChatActors.Tests.Unit;

public class FrameDecoderSpecs
{
    private static IReadOnlyList<Frame> Feed(FrameDecoder decoder, params string[] reads) =>
        reads.SelectMany(read => decoder.Decode(Encoding.UTF8.GetBytes(read))).ToList();

    private static string[] Texts(IEnumerable<Frame> frames) =>
        frames.Select(frame => frame is TextFrame text ? text.Text : "<too long>").ToArray();

    [Fact]
    public void A_first_read_with_a_line_feed_selects_line_mode()
    {
        var decoder = new FrameDecoder(4096);
        Assert.Equal(["a joined the server"], Texts(Feed(decoder, "a joined the server\n")));
        Assert.Equal(FramingMode.Line, decoder.Mode);
    }

    [Fact]
    public void Lines_split_across_reads_are_joined()
    {
        var decoder = new FrameDecoder(4096);
        Assert.Equal(["first", "hello world", "second"], Texts(Feed(decoder, "first\nhel", "lo wo", "rld\nsec", "ond\n")));
    }

    [Fact]
    public void Merged_lines_in_one_read_are_split_and_carriage_returns_dropped()
    {
        var decoder = new FrameDecoder(4096);
        Assert.Equal(["one", "two", "", "three"], Texts(Feed(decoder, "one\r\ntwo\n\nthree\n")));
    }

    [Fact]
    public void A_line_split_inside_a_multibyte_character_decodes_whole()
    {
        var decoder = new FrameDecoder(4096);
        var bytes = Encoding.UTF8.GetBytes("a\nhéllo ✓\n");
        var frames = decoder.Decode(bytes.AsSpan(0, 4)).Concat(decoder.Decode(bytes.AsSpan(4))).ToList();
        Assert.Equal(["a", "héllo ✓"], Texts(frames));
    }

    [Fact]
    public void A_first_read_without_a_line_feed_selects_legacy_mode_where_each_read_is_a_message()
    {
        var decoder = new FrameDecoder(4096);
        Assert.Equal(["bob joined the server", "bob : hi", "stop 4"], Texts(Feed(decoder, "bob joined the server", "bob : hi", "stop 4")));
        Assert.Equal(FramingMode.Legacy, decoder.Mode);
    }

    [Fact]
    public void Legacy_mode_still_splits_a_read_at_line_feeds()
    {
        var decoder = new FrameDecoder(4096);
        Assert.Equal(["bob joined the server", "a", "b"], Texts(Feed(decoder, "bob joined the server", "a\nb\n")));
    }

    [Fact]
    public void A_line_over_the_limit_is_reported_once_and_discarded_up_to_the_next_line_feed()
    {
        var decoder = new FrameDecoder(10);
        var frames = Feed(decoder, "short\n", new string('x', 8), new string('x', 8), new string('y', 30), "z\nafter\n");
        Assert.Equal(["short", "<too long>", "after"], Texts(frames));
    }

    [Fact]
    public void A_line_of_exactly_the_limit_passes_and_one_byte_more_does_not()
    {
        var decoder = new FrameDecoder(10);
        Assert.Equal(["0123456789", "<too long>", "ok"], Texts(Feed(decoder, "0123456789\r\n", "0123456789A\n", "ok\n")));
    }

    [Fact]
    public void A_legacy_read_over_the_limit_is_too_long()
    {
        var decoder = new FrameDecoder(10);
        Assert.Equal(["<too long>", "fine"], Texts(Feed(decoder, new string('x', 11), "fine")));
    }

    [Fact]
    public void Binary_garbage_decodes_without_throwing()
    {
        var decoder = new FrameDecoder(4096);
        var garbage = Enumerable.Range(0, 2000).Select(i => (byte)(i * 37 % 256)).ToArray();
        var frames = decoder.Decode(garbage);
        Assert.NotEmpty(frames);
    }

    [Fact]
    public void A_last_line_without_its_line_end_is_a_message_at_the_end_of_the_stream()
    {
        var decoder = new FrameDecoder(maxMessageBytes: 100);
        Assert.Equal(["first"], Texts(Feed(decoder, "first\nlast wo", "rds\r")));
        Assert.Equal(["last words"], Texts(decoder.Finish()));
        Assert.Empty(decoder.Finish());
    }

    [Fact]
    public void A_stream_that_ends_on_a_line_end_leaves_nothing_to_finish()
    {
        var decoder = new FrameDecoder(maxMessageBytes: 100);
        Feed(decoder, "one\ntwo\n");
        Assert.Empty(decoder.Finish());
    }
    [Fact]
    public void Whole_lines_are_only_reads_that_start_and_end_on_a_line_boundary_in_line_mode()
    {
        var decoder = new FrameDecoder(4096);
        Assert.False(decoder.IsWholeLines("no line end yet"u8));
        Assert.True(decoder.IsWholeLines("one\ntwo\n"u8));
        Assert.Equal(FramingMode.Line, decoder.Mode);

        decoder.Decode("half a li"u8);
        Assert.False(decoder.IsWholeLines("ne\n"u8));
        decoder.Decode("ne\n"u8);
        Assert.True(decoder.IsWholeLines("next\n"u8));

        var legacy = new FrameDecoder(4096);
        legacy.Decode("a read without a line end"u8);
        Assert.False(legacy.IsWholeLines("then lines\n"u8));
    }
}
