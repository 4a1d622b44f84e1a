using System.Globalization;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using System.Threading.Channels;

namespace ChatActors.Client;

/// <summary>
/// The conversation of the original client (PROTOCOL.md section 4): ask the balancer (once more
/// after <c>SNA wait</c>), connect to the server it names, join, chat, leave. When the server
/// goes away mid-chat it comes back through the balancer (<see cref="Reconnection"/>) under the
/// same name, and what the user typed meanwhile is sent once it is back.
/// </summary>
/// <param name="askBalancer">One exchange with the balancer, its whole answer; null: over TCP to the options' host and port (a tool that counts what clients see passes its own).</param>
public sealed partial class ChatClient(ClientOptions options, IClientConsole console, Func<Task<string>>? askBalancer = null)
{
    public const int LeftTheChat = 0;
    public const int ServerWentAway = 1;
    public const int NoServer = 3;
    private static readonly TimeSpan CloseWithin = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan JoinAgainAfter = TimeSpan.FromSeconds(1);

    public async Task<int> RunAsync()
    {
        if (await FindServerAsync() is not { } server
            || await ServerConnection.OpenAsync(server.Host, server.Port, console) is not { } connection)
        {
            return NoServer;
        }

        var today = DateTime.Now.ToString("d MMM yyyy", CultureInfo.InvariantCulture);
        console.Status($"Connected to {connection.Greeting} on {today}.");
        string? name;
        try
        {
            name = await JoinAsync(connection);
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            console.Error($"The connection was lost: {ex.Message}");
            await connection.DisposeAsync();
            return ServerWentAway;
        }

        if (name is null)
        {
            await connection.DisposeAsync();
            return LeftTheChat;
        }

        // What the user types waits here while no server is connected; it is sent in order once one is.
        var outbox = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
        using var chatOver = new CancellationTokenSource();
        var conversation = Task.Run(async () =>
        {
            try
            {
                return await ConverseAsync(connection, name, outbox.Reader);
            }
            finally
            {
                await chatOver.CancelAsync();
            }
        });

        var leaveTyped = false;
        await console.ChatAsync($"{connection.Greeting} - {today} - {name}", async line =>
        {
            leaveTyped |= IsLeave(line);
            await outbox.Writer.WriteAsync(line);
        }, chatOver.Token);

        if (!leaveTyped && !chatOver.IsCancellationRequested)
        {
            await outbox.Writer.WriteAsync(console.AskLeave());
        }

        return await conversation;
    }

    /// <summary>Chats on one server after another, until a leave is answered with the close or no server is to be had.</summary>
    private async Task<int> ConverseAsync(ServerConnection connection, string name, ChannelReader<string> outbox)
    {
        var reconnection = new Reconnection(options, console, AskBalancerAsync, Reconnection.DefaultNameWait, Reconnection.DefaultAnswerWithin);
        while (true)
        {
            var leaveSent = await ServeAsync(connection, outbox);
            await connection.DisposeAsync();
            if (leaveSent is { } closedInTime)
            {
                if (!closedInTime)
                {
                    console.Error("The server did not close the connection after the leave; the chat has ended.");
                }

                return closedInTime ? LeftTheChat : ServerWentAway;
            }

            console.Status("The server closed the connection; reconnecting through the balancer.");
            if (await reconnection.RejoinAsync(name) is not { } rejoined)
            {
                console.Error("No server could be had; the chat has ended.");
                return ServerWentAway;
            }

            (connection, name) = rejoined;
            console.Status($"Back on {connection.Greeting} as {name}.");
        }
    }

    /// <summary>
    /// Shows the server's lines and sends the user's, until the server closes. Null when it closed
    /// before a leave was sent; after a leave, whether it closed within <see cref="CloseWithin"/>.
    /// A line is taken from the outbox only once it is sent, so a failed send is tried on the next server.
    /// </summary>
    private async Task<bool?> ServeAsync(ServerConnection connection, ChannelReader<string> outbox)
    {
        var reading = ShowLinesAsync(connection);
        while (true)
        {
            var waiting = outbox.WaitToReadAsync().AsTask();
            if (await Task.WhenAny(reading, waiting) == reading || !await waiting || !outbox.TryPeek(out var line))
            {
                await reading;
                return null;
            }

            try
            {
                await connection.SendAsync(line);
            }
            catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException)
            {
                await reading;
                return null;
            }

            outbox.TryRead(out _);
            if (IsLeave(line))
            {
                return await Task.WhenAny(reading, Task.Delay(CloseWithin)) == reading;
            }
        }
    }

    /// <summary>The server to connect to first, or null (after saying why) when none is to be had.</summary>
    private async Task<(string Host, int Port)?> FindServerAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            string reply;
            try
            {
                reply = await AskBalancerAsync();
            }
            catch (SocketException ex)
            {
                console.Error($"Cannot reach the balancer at {options.Host}:{options.Port}: {ex.Message}");
                return null;
            }

            if (ParseServer(reply) is { } server)
            {
                return server;
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

    /// <summary>The balancer's whole answer (a server, <c>SNA wait</c>, or nothing).</summary>
    private Task<string> AskBalancerAsync(CancellationToken unanswered = default) =>
        askBalancer is null ? AskBalancerOverTcpAsync(unanswered) : askBalancer().WaitAsync(unanswered);

    private async Task<string> AskBalancerOverTcpAsync(CancellationToken unanswered)
    {
        using var balancer = new TcpClient();
        await balancer.ConnectAsync(options.Host, options.Port, unanswered);
        using var reader = new StreamReader(balancer.GetStream());
        return await reader.ReadToEndAsync(unanswered);
    }

    /// <summary>The server a balancer's answer names, or null for any other answer.</summary>
    public static (string Host, int Port)? ParseServer(string reply) =>
        ServerAddress().Match(reply) is { Success: true } address
            ? (address.Groups[1].Value, int.Parse(address.Groups[2].Value, CultureInfo.InvariantCulture))
            : null;

    /// <summary>Joins under the given name, or under one asked for until the server takes it; null when there is no name to try.</summary>
    private async Task<string?> JoinAsync(ServerConnection connection)
    {
        var name = options.Name ?? console.AskName(null);
        while (name is not null)
        {
            await connection.SendAsync($"{name} joined the server");
            var answer = await connection.ReadLineAsync() ?? throw new IOException("the server closed the connection during the join");
            if (JoinedName(answer) is { } joined)
            {
                console.Show(answer);
                return joined;
            }

            // The cluster could not count the join just now (PROTOCOL.md section 6): the name is fine, so try it again.
            if (answer.StartsWith("ERROR join failed", StringComparison.Ordinal))
            {
                console.Status($"The server could not take the join yet; trying again in {JoinAgainAfter.TotalSeconds:0} s.");
                await Task.Delay(JoinAgainAfter);
                continue;
            }

            name = console.AskName(answer.StartsWith("ERROR name in use", StringComparison.Ordinal)
                ? $"{name} is in use; choose another name."
                : $"\"{name}\" cannot be a name (no spaces or control characters, at most 32 characters).");
        }

        return null;
    }

    /// <summary>The name in a server's answer that says we joined, or null for an error.</summary>
    public static string? JoinedName(string answer) =>
        answer.EndsWith(" joined the server", StringComparison.Ordinal) && !answer.StartsWith("ERROR", StringComparison.Ordinal)
            ? answer[..^" joined the server".Length]
            : null;

    private async Task ShowLinesAsync(ServerConnection connection)
    {
        while (await connection.ReadLineAsync() is { } line)
        {
            console.Show(line);
        }
    }

    /// <summary>A leave as the server sees one: <c>stop</c>, or <c>stop</c> and one word.</summary>
    private static bool IsLeave(string line) =>
        line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries) is ["stop"] or ["stop", _];

    [GeneratedRegex(@"^\('([^']+)', (\d+)\)$")]
    private static partial Regex ServerAddress();
}
