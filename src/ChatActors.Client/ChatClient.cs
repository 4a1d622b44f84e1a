using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace ChatActors.Client;

/// <summary>
/// The conversation of the original client (PROTOCOL.md section 4): ask the balancer (once more
/// after <c>SNA wait</c>), connect to the server it names, join, chat, leave.
/// </summary>
public sealed partial class ChatClient(ClientOptions options, IClientConsole console)
{
    public const int LeftTheChat = 0;
    public const int ServerWentAway = 1;
    public const int NoServer = 3;
    private static readonly TimeSpan CloseWithin = TimeSpan.FromSeconds(10);

    public async Task<int> RunAsync()
    {
        try
        {
            return await ChatAsync();
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            console.Error($"The connection was lost: {ex.Message}");
            return ServerWentAway;
        }
    }

    private async Task<int> ChatAsync()
    {
        if (await FindServerAsync() is not { } server)
        {
            return NoServer;
        }

        using var client = new TcpClient { NoDelay = true };
        try
        {
            await client.ConnectAsync(server.Host, server.Port);
        }
        catch (SocketException ex)
        {
            console.Error($"Cannot reach the server at {server.Host}:{server.Port}: {ex.Message}");
            return NoServer;
        }

        var stream = client.GetStream();
        using var reader = new StreamReader(stream, new UTF8Encoding(false));
        var greeting = await reader.ReadLineAsync();
        if (greeting is null || !greeting.StartsWith("Server-", StringComparison.Ordinal))
        {
            console.Error(greeting is null ? "The server closed the connection at once." : $"The server turned us away: {greeting}");
            return NoServer;
        }

        var today = DateTime.Now.ToString("d MMM yyyy", CultureInfo.InvariantCulture);
        console.Status($"Connected to {greeting} on {today}.");
        async Task Send(string line) => await stream.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"));

        var name = await JoinAsync(reader, Send);
        if (name is null)
        {
            return LeftTheChat;
        }

        var leaving = false;
        using var serverGone = new CancellationTokenSource();
        var reading = ShowLinesAsync(reader, serverGone);
        await console.ChatAsync($"{greeting} - {today} - {name}", async line =>
        {
            leaving |= IsLeave(line);
            await Send(line);
        }, serverGone.Token);

        if (!leaving && !serverGone.IsCancellationRequested)
        {
            leaving = true;
            await Send(console.AskLeave());
        }

        if (leaving && await Task.WhenAny(reading, Task.Delay(CloseWithin)) == reading)
        {
            return LeftTheChat;
        }

        console.Error("The server closed the connection; the chat has ended.");
        return ServerWentAway;
    }

    /// <summary>The server to connect to, or null (after saying why) when none is to be had.</summary>
    private async Task<(string Host, int Port)?> FindServerAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            string reply;
            try
            {
                using var balancer = new TcpClient();
                await balancer.ConnectAsync(options.Host, options.Port);
                using var reader = new StreamReader(balancer.GetStream());
                reply = await reader.ReadToEndAsync();
            }
            catch (SocketException ex)
            {
                console.Error($"Cannot reach the balancer at {options.Host}:{options.Port}: {ex.Message}");
                return null;
            }

            if (ServerAddress().Match(reply) is { Success: true } address)
            {
                return (address.Groups[1].Value, int.Parse(address.Groups[2].Value, CultureInfo.InvariantCulture));
            }

            if (reply != "SNA wait")
            {
                console.Error(reply.Length == 0 ? "The balancer closed the connection without an answer." : $"The balancer answered \"{reply}\".");
                return null;
            }

            if (attempt == 2)
            {
                console.Error("Every server is still busy; please try again later.");
                return null;
            }

            console.Status($"Every server is busy; asking again in {options.RetryDelay.TotalSeconds:0.#} s.");
            await Task.Delay(options.RetryDelay);
        }
    }

    /// <summary>Joins under the given name, or under one asked for until the server takes it; null when there is no name to try.</summary>
    private async Task<string?> JoinAsync(StreamReader reader, Func<string, Task> send)
    {
        var name = options.Name ?? console.AskName(null);
        while (name is not null)
        {
            await send($"{name} joined the server");
            var answer = await reader.ReadLineAsync() ?? throw new IOException("the server closed the connection during the join");
            if (answer.EndsWith(" joined the server", StringComparison.Ordinal) && !answer.StartsWith("ERROR", StringComparison.Ordinal))
            {
                console.Show(answer);
                return answer[..^" joined the server".Length];
            }

            name = console.AskName(answer.StartsWith("ERROR name in use", StringComparison.Ordinal)
                ? $"{name} is in use; choose another name."
                : $"\"{name}\" cannot be a name (no spaces or control characters, at most 32 characters).");
        }

        return null;
    }

    private async Task ShowLinesAsync(StreamReader reader, CancellationTokenSource serverGone)
    {
        try
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                console.Show(line);
            }
        }
        catch (IOException)
        {
            // A reset is a close too.
        }
        finally
        {
            await serverGone.CancelAsync();
        }
    }

    /// <summary>A leave as the server sees one: <c>stop</c>, or <c>stop</c> and one word.</summary>
    private static bool IsLeave(string line) =>
        line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries) is ["stop"] or ["stop", _];

    [GeneratedRegex(@"^\('([^']+)', (\d+)\)$")]
    private static partial Regex ServerAddress();
}
