using Akka.Actor;
using ChatActors.Hosting;

namespace ChatActors.Tests.Unit;

public class MemoryTrimSpecs : Akka.TestKit.Xunit2.TestKit
{
    /// <summary>Checks come only from the specs.</summary>
    private static readonly TimeSpan NoTimer = TimeSpan.FromHours(1);

    private readonly FakeCollector _collector = new();

    private IActorRef StartTrim() => ActorOfAsTestActorRef<MemoryTrim>(MemoryTrim.Props(_collector, NoTimer));

    [Fact]
    public void A_node_that_goes_quiet_after_a_busy_spell_gives_its_memory_back_once()
    {
        var trim = StartTrim();

        _collector.Allocate(MemoryTrim.BusyBytes);
        trim.Tell(MemoryTrim.Check.Instance);
        Assert.Equal(0, _collector.Trims); // the spell was still going on during this interval

        trim.Tell(MemoryTrim.Check.Instance);
        Assert.Equal(1, _collector.Trims);

        trim.Tell(MemoryTrim.Check.Instance);
        trim.Tell(MemoryTrim.Check.Instance);
        Assert.Equal(1, _collector.Trims);
    }

    [Fact]
    public void A_spell_one_byte_short_of_busy_is_not_worth_the_pause()
    {
        var trim = StartTrim();

        _collector.Allocate(MemoryTrim.BusyBytes - 1);
        trim.Tell(MemoryTrim.Check.Instance);
        trim.Tell(MemoryTrim.Check.Instance);
        Assert.Equal(0, _collector.Trims);

        _collector.Allocate(1);
        trim.Tell(MemoryTrim.Check.Instance);
        Assert.Equal(1, _collector.Trims);
    }

    [Fact]
    public void A_node_that_allocates_the_quiet_limit_in_an_interval_is_busy_and_is_left_alone()
    {
        var trim = StartTrim();
        _collector.Allocate(MemoryTrim.BusyBytes);
        trim.Tell(MemoryTrim.Check.Instance);

        for (var i = 0; i < 3; i++)
        {
            _collector.Allocate(MemoryTrim.QuietBytes);
            trim.Tell(MemoryTrim.Check.Instance);
        }

        Assert.Equal(0, _collector.Trims);

        _collector.Allocate(MemoryTrim.QuietBytes - 1);
        trim.Tell(MemoryTrim.Check.Instance);
        Assert.Equal(1, _collector.Trims);
    }

    [Fact]
    public void After_a_trim_only_a_new_busy_spell_makes_another()
    {
        var trim = StartTrim();
        _collector.Allocate(MemoryTrim.BusyBytes);
        trim.Tell(MemoryTrim.Check.Instance);
        trim.Tell(MemoryTrim.Check.Instance);
        Assert.Equal(1, _collector.Trims);

        _collector.Allocate(MemoryTrim.BusyBytes);
        trim.Tell(MemoryTrim.Check.Instance);
        trim.Tell(MemoryTrim.Check.Instance);
        Assert.Equal(2, _collector.Trims);
    }

    private sealed class FakeCollector : IGarbageCollector
    {
        private long _allocated;
        private int _trims;

        public long AllocatedBytes => Interlocked.Read(ref _allocated);

        public int Trims => Volatile.Read(ref _trims);

        public void Allocate(long bytes) => Interlocked.Add(ref _allocated, bytes);

        public long CollectAndReturnMemory()
        {
            Interlocked.Increment(ref _trims);
            return 0;
        }
    }
}
