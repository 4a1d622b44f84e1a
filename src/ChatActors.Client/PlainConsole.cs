namespace ChatActors.Client;

/// <summary>
/// For scripts and tests (stdin or stdout not a terminal): stdin lines are sent as typed, the
/// server's lines go to stdout as they are, status and errors to stderr; the end of stdin leaves.
/// </summary>
public sealed class PlainConsole(TextReader input, TextWriter output, TextWriter errors) : IClientConsole
{
    private readonly object _writing = new();

    public void Status(string message) => WriteLine(errors, message);

    public void Error(string message) => WriteLine(errors, message);

    public string? AskName(string? why)
    {
        if (why is not null)
        {
            Status(why);
        }

        return input.ReadLine();
    }

    public void Show(string line) => WriteLine(output, line);

    public async Task ChatAsync(string title, Func<string, Task> send, CancellationToken serverGone)
    {
        var gone = Task.Delay(Timeout.Infinite, serverGone);
        while (true)
        {
            // Console.In reads synchronously even through ReadLineAsync; a pool thread keeps the server's close heard.
            var read = Task.Run(input.ReadLine);
            if (await Task.WhenAny(read, gone) == gone || await read is not { } line)
            {
                return;
            }

            await send(line);
        }
    }

    public string AskLeave() => "stop";

    private void WriteLine(TextWriter writer, string line)
    {
        lock (_writing)
        {
            writer.WriteLine(line);
            writer.Flush();
        }
    }
}
