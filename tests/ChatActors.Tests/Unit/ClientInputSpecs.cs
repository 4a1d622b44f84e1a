using System.Text;
using ChatActors.Protocol;
using ChatActors.Session;
using Microsoft.Extensions.Time.Testing;

namespace ChatActors.Tests.Unit;

/// <summary>A client's input and its flood control on a fake clock: no spec waits for real time.</summary>
public class ClientInputSpecs
{
    private static readonly TimeSpan CutOff = TimeSpan.FromSeconds(1);
    private readonly FakeTimeProvider _clock = new();
    private readonly RecordingControl _control = new();

    private ClientInput Input(double linesPerSecond = 1e9, int lineBurst = int.MaxValue, double bytesPerSecond = 1e9, int byteBurst = int.MaxValue) =>
        new(64, new InputLimits(linesPerSecond, lineBurst, bytesPerSecond, byteBurst, CutOff), _clock, _control);

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string Lines(int count, string prefix = "line ") => string.Concat(Enumerable.Range(0, count).Select(n => $"{prefix}{n}\n"));

    private static List<string> TakeAll(ClientInput input)
    {
        var taken = new List<string>();
        while (input.TryNext(out var frame))
        {
            taken.Add(frame is TextFrame text ? text.Text : "<too long>");
        }

        return taken;
    }

    [Fact]
    public void A_burst_at_the_limit_is_taken_at_once_and_then_the_reader_reads_again()
    {
        var input = Input(linesPerSecond: 20, lineBurst: 11);
        input.Take(Bytes(Lines(11)));

        Assert.Equal(11, TakeAll(input).Count);
        Assert.Empty(_control.LinePauses);
        input.ReadMoreWhenDue();
        Assert.Equal(1, _control.ReadsAllowed);
    }

    [Fact]
    public void One_line_past_the_burst_waits_for_the_line_rate_and_so_does_the_reader()
    {
        var input = Input(linesPerSecond: 20, lineBurst: 11);
        input.Take(Bytes(Lines(13)));

        // The twelfth line is handed out, and the next must wait 1/20 s.
        Assert.Equal(12, TakeAll(input).Count);
        Assert.Equal([TimeSpan.FromMilliseconds(50)], _control.LinePauses);
        input.ReadMoreWhenDue();
        Assert.Equal(0, _control.ReadsAllowed);

        _clock.Advance(TimeSpan.FromMilliseconds(50));
        input.LinesDue();
        Assert.Equal(["line 12"], TakeAll(input));
        input.ReadMoreWhenDue();
        Assert.Equal(1, _control.ReadsAllowed);
    }

    [Fact]
    public void The_reader_waits_until_every_frame_of_the_last_read_is_taken()
    {
        var input = Input();
        input.Take(Bytes("a\nb\n"));
        Assert.True(input.TryNext(out _));
        input.ReadMoreWhenDue();
        Assert.Equal(0, _control.ReadsAllowed);

        Assert.True(input.TryNext(out _));
        Assert.False(input.HasWaiting);
        input.ReadMoreWhenDue();
        Assert.Equal(1, _control.ReadsAllowed);
    }

    [Fact]
    public void A_read_past_the_byte_burst_puts_the_next_read_off_at_the_byte_rate()
    {
        var input = Input(bytesPerSecond: 1000, byteBurst: 500);
        input.Take(Bytes(new string('x', 599) + "\n"));   // 600 bytes: 100 past the burst
        TakeAll(input);

        input.ReadMoreWhenDue();
        input.ReadMoreWhenDue();
        Assert.Equal([TimeSpan.FromMilliseconds(100)], _control.ReadPauses);
        Assert.Equal(0, _control.ReadsAllowed);

        _clock.Advance(TimeSpan.FromMilliseconds(100));
        input.ReadingDue();
        input.ReadMoreWhenDue();
        Assert.Equal(1, _control.ReadsAllowed);
    }

    [Fact]
    public void A_client_slowed_without_a_break_is_cut_off_at_the_cut_off_time_and_only_once()
    {
        var input = Input(linesPerSecond: 10, lineBurst: 1);
        input.Take(Bytes(Lines(40)));
        Assert.True(input.TryNext(out _));   // the burst

        // Every further line waits 100 ms: slowed from the first wait on, without a break.
        for (var waited = TimeSpan.Zero; waited < CutOff; waited += TimeSpan.FromMilliseconds(100))
        {
            Assert.True(input.TryNext(out _));
            Assert.Equal(0, _control.CutOffs);
            _clock.Advance(TimeSpan.FromMilliseconds(100));
            input.LinesDue();
        }

        Assert.True(input.TryNext(out _));
        Assert.Equal(1, _control.CutOffs);
        _clock.Advance(TimeSpan.FromMilliseconds(100));
        input.LinesDue();
        Assert.True(input.TryNext(out _));
        Assert.Equal(1, _control.CutOffs);
    }

    [Fact]
    public void A_client_served_without_waiting_has_a_break_in_its_flood()
    {
        var input = Input(linesPerSecond: 10, lineBurst: 1);
        input.Take(Bytes(Lines(2)));
        TakeAll(input);                       // the second line waits: slowed from now
        _clock.Advance(CutOff);
        input.LinesDue();
        input.ReadMoreWhenDue();              // nothing waits and the bucket has refilled: a break
        Assert.Equal(1, _control.ReadsAllowed);

        input.Take(Bytes(Lines(2)));
        TakeAll(input);                       // slowed again, but the cut-off time starts anew
        Assert.Equal(0, _control.CutOffs);
    }

    [Fact]
    public void A_last_line_without_its_line_end_is_taken_when_the_client_closes()
    {
        var input = Input();
        input.Take(Bytes("first\nlast"));
        Assert.Equal(["first"], TakeAll(input));

        input.End();
        Assert.Equal(["last"], TakeAll(input));
    }

    [Fact]
    public void Whole_lines_as_everyone_gets_them_are_taken_as_read_only_while_nothing_waits_and_the_rate_allows_them_all()
    {
        var prefix = Bytes("alice : ");
        var input = Input(linesPerSecond: 10, lineBurst: 3);
        Assert.True(input.TryTakeAsRead(Bytes("alice : hi\nalice : there\n"), prefix));
        input.ReadMoreWhenDue();
        Assert.Equal(1, _control.ReadsAllowed);

        // Two more lines would exceed the burst of three: they take the way through the frames.
        Assert.False(input.TryTakeAsRead(Bytes("alice : a\nalice : b\n"), prefix));
        Assert.False(input.TryTakeAsRead(Bytes("alice : half"), prefix));
        Assert.False(input.TryTakeAsRead(Bytes("bob : not me\n"), prefix));

        input.Take(Bytes("waiting\n"));
        Assert.False(input.TryTakeAsRead(Bytes("alice : c\n"), prefix));
    }

    [Fact]
    public void A_line_too_long_is_a_frame_of_its_own_and_the_next_line_is_intact()
    {
        var input = Input();
        input.Take(Bytes(new string('x', 65) + "\nshort\n"));
        Assert.Equal(["<too long>", "short"], TakeAll(input));
    }

    private sealed class RecordingControl : IInputControl
    {
        public List<TimeSpan> LinePauses { get; } = [];

        public List<TimeSpan> ReadPauses { get; } = [];

        public int ReadsAllowed { get; private set; }

        public int CutOffs { get; private set; }

        public void ResumeLinesAfter(TimeSpan wait) => LinePauses.Add(wait);

        public void ResumeReadingAfter(TimeSpan wait) => ReadPauses.Add(wait);

        public void ReadMore() => ReadsAllowed++;

        public void FloodCutOff() => CutOffs++;
    }
}
