using System.Diagnostics;
using System.Globalization;

namespace ChatActors.Harness;

/// <summary>The CPU time this whole machine has been busy, from /proc/stat.</summary>
public static class MachineMeter
{
    /// <summary>Busy time summed over all cores: everything but idle and I/O wait.</summary>
    public static TimeSpan BusyTime()
    {
        // cpu  user nice system idle iowait irq softirq steal ... (in clock ticks of 10 ms)
        var ticks = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Skip(1).Take(8).Select(field => long.Parse(field, CultureInfo.InvariantCulture)).ToArray();
        return TimeSpan.FromMilliseconds((ticks.Sum() - ticks[3] - ticks[4]) * 10);
    }

    /// <summary>
    /// Waits until the machine as a whole uses less than a tenth of a core for half a second,
    /// for at most <paramref name="within"/>: whatever a start left running (run.ps1's own
    /// start-up, a build it checked, the JIT of every node) is done.
    /// </summary>
    public static async Task WaitUntilQuietAsync(TimeSpan within)
    {
        var interval = TimeSpan.FromMilliseconds(250);
        var deadline = Stopwatch.StartNew();
        var quietIntervals = 0;
        var before = BusyTime();
        while (quietIntervals < 2 && deadline.Elapsed < within)
        {
            await Task.Delay(interval);
            var now = BusyTime();
            quietIntervals = now - before < interval / 10 ? quietIntervals + 1 : 0;
            before = now;
        }
    }
}
