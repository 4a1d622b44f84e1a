using System.Globalization;
using System.Net.Sockets;

namespace ChatActors.Client;

/// <summary>
/// Comes back after the server went away: asks the balancer again with a growing pause between
/// tries, for up to <see cref="ClientOptions.ReconnectWithin"/>, and joins under the same name.
/// The name of a client whose server died stays taken until the cluster has given up on that
/// server's node; past <paramref name="nameWait"/> the client takes another and says so.
/// </summary>
/// <param name="askBalancer">The balancer's whole answer to one connect; it gives up when the token is cancelled.</param>
/// <param name="nameWait">How long the old name is asked for before another is taken.</param>
/// <param name="answerWithin">How long one ask of the balancer may take before it is asked again.</param>
public sealed class Reconnection(ClientOptions options, IClientConsole console, Func<CancellationToken, Task<string>> askBalancer, TimeSpan nameWait, TimeSpan answerWithin)
{
    /// <summary>Well within a server's 30 s for a join, and past the few seconds a cluster takes to down a dead node.</summary>
    public static readonly TimeSpan DefaultNameWait = TimeSpan.FromSeconds(20);

    /// <summary>
    /// The balancer answers once the approach is counted, within milliseconds. An answer that
    /// has not come in 10 s waits on a count that may never come (its stats actor moved away);
    /// a new connect is counted anew and answered.
    /// </summary>
    public static readonly TimeSpan DefaultAnswerWithin = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(5);

    /// <summary>A joined connection and the name it joined under, or null when no server could be had in time.</summary>
    public async Task<(ServerConnection Connection, string Name)?> RejoinAsync(string name)
    {
        var giveUpAt = DateTime.UtcNow + options.ReconnectWithin;
        for (var pause = FirstPause; DateTime.UtcNow < giveUpAt; pause = Min(pause * 2, LongestPause))
        {
            await Task.Delay(Min(pause, Max(giveUpAt - DateTime.UtcNow, TimeSpan.Zero)));
            if (await ServerAsync(giveUpAt) is not { } server
                || await ServerConnection.OpenAsync(server.Host, server.Port, console) is not { } connection)
            {
                continue;
            }

            try
            {
                if (await JoinAgainAsync(connection, name, giveUpAt) is { } joined)
                {
                    return (connection, joined);
                }
            }
            catch (Exception ex) when (ex is SocketException or IOException)
            {
                // The new server went away too; ask the balancer again.
            }

            await connection.DisposeAsync();
        }

        return null;
    }

    private async Task<(string Host, int Port)?> ServerAsync(DateTime giveUpAt)
    {
        var within = Min(answerWithin, Max(giveUpAt - DateTime.UtcNow, TimeSpan.Zero));
        using var unanswered = new CancellationTokenSource(within);
        try
        {
            var reply = await askBalancer(unanswered.Token);
            if (ChatClient.ParseServer(reply) is { } server)
            {
                return server;
            }

            console.Status(reply == "SNA wait" ? "Every server is busy; asking again." : "The balancer has no answer yet; asking again.");
        }
        catch (SocketException ex)
        {
            console.Status($"Cannot reach the balancer at {options.Host}:{options.Port} ({ex.Message}); asking again.");
        }
        catch (OperationCanceledException) when (unanswered.IsCancellationRequested)
        {
            console.Status($"The balancer did not answer within {within.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s; asking again.");
        }

        return null;
    }

    /// <summary>
    /// Joins under <paramref name="name"/> once it is free, or under the first free one of
    /// <c>NAME-2</c>, <c>NAME-3</c>, ... after the name wait; null when the server closed.
    /// </summary>
    private async Task<string?> JoinAgainAsync(ServerConnection connection, string name, DateTime giveUpAt)
    {
        var takeAnotherAt = DateTime.UtcNow + nameWait;
        var tried = name;
        for (var suffix = 2; DateTime.UtcNow < giveUpAt; )
        {
            await connection.SendAsync($"{tried} joined the server");
            var answer = await connection.ReadLineAsync();
            if (answer is null)
            {
                console.Status("The server closed the connection before it answered the join; asking the balancer again.");
                return null;
            }

            if (ChatClient.JoinedName(answer) is { } joined)
            {
                if (joined != name)
                {
                    console.Status($"{name} is still taken; you are {joined} now.");
                }

                console.Show(answer);
                return joined;
            }

            if (answer.StartsWith("ERROR name in use", StringComparison.Ordinal) && DateTime.UtcNow >= takeAnotherAt)
            {
                tried = $"{name}-{suffix++.ToString(CultureInfo.InvariantCulture)}";
                continue;
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        return null;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
