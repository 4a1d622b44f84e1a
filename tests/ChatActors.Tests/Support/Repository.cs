using System.Diagnostics;
using ChatActors.Harness;

namespace ChatActors.Tests.Support;

public static class Repository
{
    /// <summary>The checkout the tests run from: the folder above the test binaries that holds ChatActors.sln.</summary>
    public static string Root => Checkout.Root;

    /// <summary>
    /// Writes the committed version of a file to <paramref name="destination"/>: running the
    /// product changes the working copy of storage.db, and the spec is about what is committed.
    /// </summary>
    public static void ExtractCommittedFile(string path, string destination)
    {
        using var git = Process.Start(new ProcessStartInfo("git", $"show HEAD:{path}")
        {
            WorkingDirectory = Root,
            RedirectStandardOutput = true,
        })!;
        using (var file = File.Create(destination))
        {
            git.StandardOutput.BaseStream.CopyTo(file);
        }

        git.WaitForExit();
        if (git.ExitCode != 0)
        {
            throw new InvalidOperationException($"git show HEAD:{path} failed");
        }
    }
}
