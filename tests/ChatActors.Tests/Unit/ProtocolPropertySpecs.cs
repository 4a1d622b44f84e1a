using System.Text;
using ChatActors.Protocol;
using CsCheck;

namespace ChatActors.Tests.Unit;

/// <summary>Properties of the frame decoder and the chat rules over random input (CsCheck).</summary>
public class ProtocolPropertySpecs
{
    private const int MaxMessageBytes = 16;

    /// <summary>Bytes that are mostly line ends, carriage returns, escapes, ASCII and pieces of UTF-8.</summary>
    private static readonly Gen<byte[]> Bytes = Gen.Frequency(
        (3, Gen.Byte[(byte)' ', (byte)'~']),
        (2, Gen.Const((byte)'\n')),
        (1, Gen.Const((byte)'\r')),
        (1, Gen.Const((byte)0x1b)),
        (2, Gen.Byte)).Array[0, 120];

    private static readonly Gen<string> AnyText = Gen.Frequency(
        (3, Gen.Char[' ', '~']),
        (2, Gen.Char['\u0000', '\u009f']),
        (1, Gen.Const('\u001b')),
        (1, Gen.Char)).Array[0, 60].Select(chars => new string(chars));

    private static List<Frame> DecodeInReads(byte[] bytes, IEnumerable<int> cuts)
    {
        var decoder = new FrameDecoder(MaxMessageBytes);
        var frames = new List<Frame>();
        var start = 0;
        foreach (var cut in cuts.Where(cut => cut > start && cut < bytes.Length).Order().Distinct().Append(bytes.Length))
        {
            frames.AddRange(decoder.Decode(bytes.AsSpan(start, cut - start)));
            start = cut;
        }

        return frames;
    }

    [Fact]
    public void In_line_mode_any_split_of_the_bytes_into_reads_gives_the_same_messages()
    {
        Gen.Select(Bytes, Gen.Int[0, 130].Array[0, 12]).Sample((tail, cuts) =>
        {
            // The first read holds a line end, so both decoders are in line mode.
            var bytes = "hi\n"u8.ToArray().Concat(tail).ToArray();
            var whole = new FrameDecoder(MaxMessageBytes).Decode(bytes);
            var split = DecodeInReads(bytes, cuts.Select(cut => cut + 3));
            Assert.Equal(whole, split);
        });
    }

    [Fact]
    public void No_input_makes_the_decoder_or_the_rules_throw()
    {
        Gen.Select(Bytes, Gen.Int[0, 130].Array[0, 12]).Sample((bytes, cuts) =>
        {
            foreach (var frame in DecodeInReads(bytes, cuts))
            {
                if (frame is TextFrame text)
                {
                    ChatRules.TryParseJoin(text.Text, out _);
                    ChatRules.Interpret(text.Text, "ann");
                }
            }
        });
    }

    [Fact]
    public void No_chat_line_carries_a_control_character_or_an_escape_sequence()
    {
        AnyText.Sample(text =>
        {
            if (ChatRules.Interpret(text, "ann") is ChatCommand chat)
            {
                Assert.DoesNotContain(chat.Line, c => c != '\t' && ChatText.IsControl(c));
            }
        });
    }

    [Fact]
    public void A_name_that_is_accepted_is_visible_normalised_and_at_most_32_characters()
    {
        AnyText.Sample(text =>
        {
            if (ChatRules.TryParseJoin(text + " joined the server", out var name))
            {
                Assert.InRange(name.EnumerateRunes().Count(), 1, ChatRules.MaxNameLength);
                Assert.True(name.IsNormalized(NormalizationForm.FormKC));
                Assert.DoesNotContain(name, c => ChatText.IsControl(c) || char.IsWhiteSpace(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format);
            }
        });
    }
    /// <summary>Lines a chatting client "ann" might send: its own prefix or another's, stops, blanks, escapes, accents.</summary>
    private static readonly Gen<string> ChatLine = Gen.Select(
        OneOf("ann : ", "bob : ", "ann :", "", "stop ", "ann : stop", " "),
        Gen.Frequency(
            (6, Gen.Char[' ', '~']),
            (1, OneOf('\t', '\r', '\u001b', '\u0085', 'é', '\u200b'))).Array[0, 20].Select(chars => new string(chars)),
        (prefix, text) => prefix + text);

    private static Gen<T> OneOf<T>(params T[] values) => Gen.Int[0, values.Length - 1].Select(i => values[i]);

    [Fact]
    public void A_read_broadcast_as_read_is_byte_for_byte_what_the_decoder_and_the_rules_make_of_it()
    {
        var prefix = Encoding.UTF8.GetBytes(ChatRules.SpeakerPrefix("ann"));
        var broadcastAsRead = 0;
        ChatLine.Array[1, 6].Sample(lines =>
        {
            var read = Encoding.UTF8.GetBytes(string.Concat(lines.Select(line => line + "\n")));
            if (!ChatRules.IsBroadcastAsRead(read, prefix, MaxMessageBytes, out var count))
            {
                return;
            }

            var said = new FrameDecoder(MaxMessageBytes).Decode(read)
                .Select(frame => ChatRules.Interpret(((TextFrame)frame).Text, "ann"))
                .Select(command => ((ChatCommand)command).Line + "\n");
            Assert.Equal(Encoding.UTF8.GetString(read), string.Concat(said));
            Assert.Equal(lines.Length, count);
            Interlocked.Increment(ref broadcastAsRead);
        }, iter: 20_000);
        Assert.True(broadcastAsRead > 100, $"only {broadcastAsRead} samples were broadcast as read");
    }
}
