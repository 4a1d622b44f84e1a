using System.Diagnostics;

namespace ChatActors.Tests.Support;

/// <summary>run.ps1 of this repository as a user runs it (<c>dotnet pwsh run.ps1</c>), for the commands that end by themselves.</summary>
public static class RunScript
{
    public static async Task<(int ExitCode, string Output, string Errors)> ToEndAsync(params string[] parameters) =>
        await ToEndAsync(TimeSpan.FromMinutes(3), parameters);

    public static async Task<(int ExitCode, string Output, string Errors)> ToEndAsync(TimeSpan within, params string[] parameters)
    {
        await RestoreToolsAsync();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Repository.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])["pwsh", "run.ps1", .. parameters])
        {
            start.ArgumentList.Add(argument);
        }

        using var runner = Process.Start(start)!;
        var output = runner.StandardOutput.ReadToEndAsync();
        var errors = runner.StandardError.ReadToEndAsync();
        try
        {
            await runner.WaitForExitAsync().WaitAsync(within);
        }
        catch (TimeoutException)
        {
            runner.Kill(entireProcessTree: true);
            throw;
        }

        return (runner.ExitCode, await output, await errors);
    }

    /// <summary>The repository's local tools (pwsh), as a fresh clone gets them.</summary>
    public static async Task RestoreToolsAsync()
    {
        using var process = Process.Start(new ProcessStartInfo("dotnet", "tool restore") { WorkingDirectory = Repository.Root })!;
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
    }
}
