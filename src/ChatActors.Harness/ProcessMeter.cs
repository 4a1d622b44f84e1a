using System.Diagnostics;
using System.Globalization;

namespace ChatActors.Harness;

/// <summary>Resident memory and CPU time of a server process on this machine, from /proc.</summary>
public sealed class ProcessMeter(int pid)
{
    public long RssBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"process {pid} has no VmRSS");
    }

    public TimeSpan CpuTime()
    {
        using var process = Process.GetProcessById(pid);
        return process.TotalProcessorTime;
    }

    /// <summary>
    /// Waits until the process uses less than a tenth of a core for half a second (the leaves and
    /// journal writes of the last scenario are done), for at most <paramref name="within"/>.
    /// </summary>
    public async Task WaitUntilQuietAsync(TimeSpan within)
    {
        var interval = TimeSpan.FromMilliseconds(250);
        var deadline = Stopwatch.StartNew();
        var quietIntervals = 0;
        var before = CpuTime();
        while (quietIntervals < 2 && deadline.Elapsed < within)
        {
            await Task.Delay(interval);
            var now = CpuTime();
            quietIntervals = now - before < interval / 10 ? quietIntervals + 1 : 0;
            before = now;
        }
    }
}
