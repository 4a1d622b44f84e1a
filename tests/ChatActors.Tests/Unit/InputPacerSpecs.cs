using ChatActors.Session;

namespace ChatActors.Tests.Unit;

public class InputPacerSpecs
{
    private static readonly TimeSpan Start = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan CutOff = TimeSpan.FromSeconds(30);

    private static InputPacer Pacer() => new(new InputLimits(LinesPerSecond: 20, LineBurst: 3, BytesPerSecond: 1000, ByteBurst: 500, CutOff));

    [Fact]
    public void A_client_slowed_without_a_break_is_flooding_at_the_cut_off_and_not_before()
    {
        var pacer = Pacer();
        Assert.False(pacer.Slowed(Start));
        Assert.False(pacer.Slowed(Start + CutOff - TimeSpan.FromMilliseconds(1)));
        Assert.True(pacer.Slowed(Start + CutOff));
        Assert.False(pacer.Slowed(Start + CutOff + TimeSpan.FromSeconds(1))); // said once
    }

    [Fact]
    public void A_break_in_the_flood_starts_the_cut_off_time_again()
    {
        var pacer = Pacer();
        pacer.Slowed(Start);
        pacer.NotSlowed();
        Assert.False(pacer.Slowed(Start + CutOff));
        Assert.True(pacer.Slowed(Start + CutOff + CutOff));
    }

    [Fact]
    public void Messages_and_reads_beyond_their_bursts_wait_at_the_rates()
    {
        var pacer = Pacer();
        Assert.Equal([TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero], new[] { pacer.Message(Start), pacer.Message(Start), pacer.Message(Start) });
        Assert.Equal(TimeSpan.FromMilliseconds(50), pacer.Message(Start));

        pacer.Read(500, Start);
        Assert.Equal(TimeSpan.Zero, pacer.ReadWait(Start));
        pacer.Read(100, Start);
        Assert.Equal(TimeSpan.FromMilliseconds(100), pacer.ReadWait(Start));
        Assert.Equal(TimeSpan.Zero, pacer.ReadWait(Start + TimeSpan.FromMilliseconds(100)));
    }
}
