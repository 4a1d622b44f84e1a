using System.Diagnostics;
using System.Runtime.InteropServices;
using Akka.Actor;
using Akka.Event;

namespace ChatActors.Hosting;

/// <summary>What <see cref="MemoryTrim"/> needs of the garbage collector (a fake one in the specs).</summary>
public interface IGarbageCollector
{
    /// <summary>Every byte the process has allocated since it started.</summary>
    long AllocatedBytes { get; }

    /// <summary>A full, compacting collection that gives the memory it frees back to the system; how many bytes of heap it gave back.</summary>
    long CollectAndReturnMemory();
}

/// <summary>
/// Gives memory back to the system when the node goes quiet after a busy spell. A burst of
/// joins sends every join line to everyone already in (10,000 joins: 50 million lines); the
/// garbage collector keeps the heap it grew for them, and a node of idle clients held two to
/// four times the memory its clients need (docs/BENCHMARKS.md). Once nothing much has been allocated for
/// a whole check interval after at least <see cref="BusyBytes"/> since the last trim, one
/// full compacting collection returns that memory. It never runs while the chat is busy, and
/// not again until the node has been busy again. The collection stops every thread of the
/// process for its pause (about 70 ms with 10,000 clients), wherever it is called from.
/// </summary>
public sealed class MemoryTrim : ReceiveActor, IWithTimers
{
    /// <summary>Allocation within one check interval below this counts as quiet.</summary>
    public const long QuietBytes = 4 * 1024 * 1024;

    /// <summary>
    /// Allocation since the last trim that makes another one worth its pause: low enough that
    /// 5,000 clients leaving at once make the node give back what their leaves grew (docs/BENCHMARKS.md).
    /// </summary>
    public const long BusyBytes = 64 * 1024 * 1024;

    private readonly IGarbageCollector _collector;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly TimeSpan _checkInterval;
    private long _allocatedAtLastCheck;
    private long _allocatedAtLastTrim;

    public MemoryTrim(IGarbageCollector collector, TimeSpan checkInterval)
    {
        _collector = collector;
        _checkInterval = checkInterval;
        _allocatedAtLastCheck = _allocatedAtLastTrim = collector.AllocatedBytes;
        Receive<Check>(_ => CheckNow());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IGarbageCollector collector, TimeSpan checkInterval) =>
        Akka.Actor.Props.Create(() => new MemoryTrim(collector, checkInterval));

    protected override void PreStart() => Timers.StartPeriodicTimer(Check.Instance, Check.Instance, _checkInterval);

    private void CheckNow()
    {
        var allocated = _collector.AllocatedBytes;
        var quiet = allocated - _allocatedAtLastCheck < QuietBytes;
        _allocatedAtLastCheck = allocated;
        if (quiet && allocated - _allocatedAtLastTrim >= BusyBytes)
        {
            var pause = Stopwatch.StartNew();
            var returned = _collector.CollectAndReturnMemory();
            _allocatedAtLastTrim = _allocatedAtLastCheck = _collector.AllocatedBytes;
            _log.Info("Quiet after a busy spell: one full garbage collection ({0} ms) gave {1} MB of heap back to the system", pause.ElapsedMilliseconds, returned >> 20);
        }
    }

    /// <summary>
    /// The runtime's own garbage collector, and on Linux glibc's heap: what the runtime and the
    /// sockets allocate outside the managed heap during a burst of joins stays in glibc's arenas
    /// after it is freed, 20 MB or more with 5,000 clients (docs/BENCHMARKS.md, idle memory),
    /// until <c>malloc_trim</c> gives it back.
    /// </summary>
    public sealed class RuntimeCollector : IGarbageCollector
    {
        private bool _mayTrimNativeHeap = OperatingSystem.IsLinux();

        public long AllocatedBytes => GC.GetTotalAllocatedBytes();

        public long CollectAndReturnMemory()
        {
            var committed = GC.GetGCMemoryInfo().TotalCommittedBytes;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            TrimNativeHeap();
            return committed - GC.GetGCMemoryInfo().TotalCommittedBytes;
        }

        private void TrimNativeHeap()
        {
            if (!_mayTrimNativeHeap)
            {
                return;
            }

            try
            {
                MallocTrim(0);
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
            {
                _mayTrimNativeHeap = false; // not glibc (musl, say): its heap is left as it is
            }
        }

        [DllImport("libc.so.6", EntryPoint = "malloc_trim")]
        private static extern int MallocTrim(nuint pad);
    }

    /// <summary>Look now (its timer sends it every check interval).</summary>
    public sealed class Check
    {
        public static readonly Check Instance = new();

        private Check()
        {
        }
    }
}
