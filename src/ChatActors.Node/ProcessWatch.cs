using System.Diagnostics;

namespace ChatActors.Node;

/// <summary>Whether a process (not necessarily a child of this one) still runs.</summary>
public static class ProcessWatch
{
    public static bool IsRunning(int pid)
    {
        if (OperatingSystem.IsLinux())
        {
            // A killed process whose parent has not reaped it yet is a zombie: gone for our purpose.
            var stat = $"/proc/{pid}/stat";
            try
            {
                var text = File.ReadAllText(stat);
                return text[(text.LastIndexOf(')') + 2)..].FirstOrDefault() != 'Z';
            }
            catch (IOException)
            {
                return false;
            }
        }

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
}
