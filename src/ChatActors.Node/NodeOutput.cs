using ChatActors.Hosting;
using ChatActors.Hosting.Settings;

namespace ChatActors.Node;

/// <summary>
/// Where a node's output goes: the console, a log file (run.ps1 gives each node of the
/// process approach <c>logs/node-i.log</c>), or both. Akka's logger writes to the console,
/// so the console itself is redirected.
/// </summary>
public static class NodeOutput
{
    public static (TextWriter Output, TextWriter Errors) Redirect(OutputSettings settings, TextWriter output, TextWriter errors)
    {
        var (logFile, toConsole) = (settings.LogFile, settings.LogToConsole);
        if (string.IsNullOrWhiteSpace(logFile))
        {
            return (output, errors);
        }

        StreamWriter file;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(logFile))!);
            file = new StreamWriter(new FileStream(logFile, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ChatStartupException($"cannot write the log file {logFile}: {ex.Message}");
        }

        var log = TextWriter.Synchronized(file);
        var newOutput = toConsole ? new TeeWriter(output, log) : log;
        var newErrors = toConsole ? new TeeWriter(errors, log) : log;
        Console.SetOut(newOutput);
        Console.SetError(newErrors);
        return (newOutput, newErrors);
    }

    /// <summary>Writes everything to two writers.</summary>
    public sealed class TeeWriter(TextWriter first, TextWriter second) : TextWriter
    {
        public override System.Text.Encoding Encoding => first.Encoding;

        public override void Write(char value)
        {
            first.Write(value);
            second.Write(value);
        }

        public override void Write(string? value)
        {
            first.Write(value);
            second.Write(value);
        }

        public override void WriteLine(string? value)
        {
            first.WriteLine(value);
            second.WriteLine(value);
        }

        public override void Flush()
        {
            first.Flush();
            second.Flush();
        }
    }
}
