using System.Collections.Concurrent;
using System.Diagnostics;

namespace ChatActors.Tests.Support;

/// <summary>The chat client of this build in plain mode (stdin and stdout redirected), as a script drives it.</summary>
public sealed class ClientProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly BlockingCollection<string> _lines = new();
    private readonly ConcurrentQueue<string> _errors = new();

    private ClientProcess(Process process) => _process = process;

    /// <summary>What the client wrote to stderr (status and errors).</summary>
    public string Errors => string.Join("\n", _errors);

    public static ClientProcess Start(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ChatActors.Client.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var client = new ClientProcess(Process.Start(start)!);
        client._process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is null)
            {
                client._lines.CompleteAdding();
            }
            else
            {
                client._lines.Add(line.Data);
            }
        };
        client._process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is not null)
            {
                client._errors.Enqueue(line.Data);
            }
        };
        client._process.BeginOutputReadLine();
        client._process.BeginErrorReadLine();
        return client;
    }

    public async Task TypeAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>The end of stdin, as when a script's input runs out.</summary>
    public void EndInput() => _process.StandardInput.Close();

    /// <summary>The next line the client printed to stdout.</summary>
    public string ReadLine()
    {
        Assert.True(_lines.TryTake(out var line, TimeSpan.FromSeconds(20)), $"no output line; stderr:\n{Errors}");
        return line!;
    }

    public async Task<int> ExitCodeAsync()
    {
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return _process.ExitCode;
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
