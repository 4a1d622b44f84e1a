using System.Diagnostics;

namespace ChatActors.Tests.Support;

/// <summary>
/// The temporary folders of one test run, all in one folder of this process
/// (<c>chatactors-tests-PID</c>), removed when the run ends, failed specs included. A run that
/// was killed cannot remove its own, so each run first removes those of runs no longer alive.
/// </summary>
public static class TestFolders
{
    private const string Prefix = "chatactors-tests-";
    private static readonly Lazy<string> RunFolder = new(CreateRunFolder);

    /// <summary>A new empty folder, removed with the run's.</summary>
    public static string Create() => Directory.CreateDirectory(Path.Combine(RunFolder.Value, Guid.NewGuid().ToString("N"))).FullName;

    private static string CreateRunFolder()
    {
        foreach (var stale in Directory.GetDirectories(Path.GetTempPath(), Prefix + "*"))
        {
            if (int.TryParse(Path.GetFileName(stale)[Prefix.Length..], out var pid) && !IsAlive(pid))
            {
                TryDelete(stale);
            }
        }

        var folder = Path.Combine(Path.GetTempPath(), Prefix + Environment.ProcessId);
        Directory.CreateDirectory(folder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(folder);
        return folder;
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A node of a spec still writing its log; the next run removes it.
        }
    }
}
