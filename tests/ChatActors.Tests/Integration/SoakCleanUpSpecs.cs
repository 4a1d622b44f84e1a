using System.Diagnostics;
using System.Globalization;
using ChatActors.Tests.Support;

namespace ChatActors.Tests.Integration;

/// <summary>The soak tool, stopped before its end, leaves neither its node nor the node's folder behind.</summary>
public class SoakCleanUpSpecs
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_soak_that_is_told_to_stop_removes_its_node_and_the_nodes_folder()
    {
        // The soak's node folder is made in the temporary folder, so the spec gives it one of its own.
        var temporary = TestFolders.Create();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "ChatActors.Soak.dll"), "--minutes", "5", "--clients", "20" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["TMPDIR"] = temporary;
        using var soak = Process.Start(start)!;
        var joined = new TaskCompletionSource();
        soak.OutputDataReceived += (_, line) =>
        {
            if (line.Data?.Contains("well-behaved clients joined", StringComparison.Ordinal) == true)
            {
                joined.TrySetResult();
            }
        };
        soak.BeginOutputReadLine();
        soak.BeginErrorReadLine();
        string? nodeFolder = null;
        try
        {
            await joined.Task.WaitAsync(Within);
            nodeFolder = Assert.Single(Directory.GetDirectories(temporary, "chatactors-node-*"));
            Assert.NotEmpty(ProcessesUsing(nodeFolder));

            using (var term = Process.Start("kill", ["-TERM", soak.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            await soak.WaitForExitAsync().WaitAsync(Within);
            Assert.Equal(128 + 15, soak.ExitCode);
            Assert.False(Directory.Exists(nodeFolder), $"{nodeFolder} is left behind");
            Assert.Empty(ProcessesUsing(nodeFolder));
        }
        finally
        {
            if (!soak.HasExited)
            {
                soak.Kill(entireProcessTree: true);
            }

            // A soak that failed to clean up must not leave its node running past the spec.
            foreach (var pid in nodeFolder is null ? [] : ProcessesUsing(nodeFolder))
            {
                try
                {
                    using var node = Process.GetProcessById(pid);
                    node.Kill();
                }
                catch (Exception gone) when (gone is ArgumentException or InvalidOperationException)
                {
                    // It ended meanwhile.
                }
            }
        }
    }

    /// <summary>The processes whose command line names <paramref name="folder"/>: the soak's node.</summary>
    private static List<int> ProcessesUsing(string folder) =>
        Directory.GetDirectories("/proc")
            .Select(path => (Path: path, Pid: int.TryParse(Path.GetFileName(path), out var pid) ? pid : 0))
            .Where(process => process.Pid > 0 && CommandLine(process.Path).Contains(folder, StringComparison.Ordinal))
            .Select(process => process.Pid)
            .ToList();

    private static string CommandLine(string processFolder)
    {
        try
        {
            return File.ReadAllText(Path.Combine(processFolder, "cmdline")).Replace('\0', ' ');
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }
}
