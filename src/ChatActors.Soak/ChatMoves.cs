using System.Net;
using System.Text.RegularExpressions;

namespace ChatActors.Soak;

/// <summary>The steps of PROTOCOL.md a client takes, each counted in the <see cref="Tally"/> as the client sees its outcome.</summary>
public sealed partial class ChatMoves(int balancerPort, Tally tally)
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public Tally Tally => tally;

    /// <summary>One balancer exchange: the server port handed out, or null for <c>SNA wait</c> (or no reply at all).</summary>
    public async Task<int?> AskBalancerAsync(IPAddress from)
    {
        await using var balancer = await LineConnection.ConnectAsync(from, balancerPort);
        var reply = await balancer.ReadToEndAsync(Patience);
        if (reply == "SNA wait")
        {
            tally.Approached();
            tally.LostClient("SNA wait");
            return null;
        }

        var address = ServerAddress().Match(reply);
        if (!address.Success)
        {
            tally.Problem("unexpected balancer reply", $"\"{reply}\"");
            return null;
        }

        tally.Approached();
        return int.Parse(address.Groups[1].Value);
    }

    /// <summary>Asks the balancer (again after <c>SNA wait</c>) until it hands out a server.</summary>
    public async Task<int> ServerPortAsync(IPAddress from)
    {
        while (true)
        {
            if (await AskBalancerAsync(from) is { } port)
            {
                return port;
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>Connects to a server: the connection once greeted, or null when it was turned away (counted lost).</summary>
    public async Task<LineConnection?> ConnectAsync(IPAddress from, int port, int? receiveBuffer = null)
    {
        var connection = await LineConnection.ConnectAsync(from, port, receiveBuffer);
        var first = await connection.ReadLineAsync(Patience);
        if (first is not null && first.StartsWith("Server-", StringComparison.Ordinal))
        {
            return connection;
        }

        await connection.DisposeAsync();
        switch (first)
        {
            case "Server busy, try after 5 mins!":
                tally.LostClient("Server busy");
                break;
            case "ERROR too many connections from your address":
                tally.LostClient("refused: too many connections from one address");
                break;
            default:
                tally.Problem("unexpected server greeting", $"\"{first}\"");
                break;
        }

        return null;
    }

    /// <summary>Balancer, server, join: the joined connection, or null (the reason is in the tally).</summary>
    public async Task<LineConnection?> JoinAsync(IPAddress from, string name, int? receiveBuffer = null)
    {
        var connection = await ConnectAsync(from, await ServerPortAsync(from), receiveBuffer);
        if (connection is null)
        {
            return null;
        }

        var answer = await TryJoinAsync(connection, name);
        if (answer == JoinLine(name))
        {
            return connection;
        }

        tally.Problem("join refused", $"{name}: \"{answer}\"");
        await connection.DisposeAsync();
        return null;
    }

    /// <summary>Sends a join and returns the server's answer: the client's own join line, an error, or null for a close.</summary>
    public async Task<string?> TryJoinAsync(LineConnection connection, string name) =>
        await TryJoinAsync(connection, System.Text.Encoding.UTF8.GetBytes(name));

    public async Task<string?> TryJoinAsync(LineConnection connection, byte[] name)
    {
        await connection.SendAsync([.. name, .. " joined the server\n"u8]);
        var answer = await connection.ReadLineAsync(Patience);
        if (answer is not null && answer.EndsWith(" joined the server", StringComparison.Ordinal))
        {
            tally.Joined();
        }

        return answer;
    }

    /// <summary>
    /// Leaves with a rating, <paramref name="drain"/> reading what the connection is sent; true
    /// when the server closed the connection without an error, so the rating counts.
    /// </summary>
    public async Task<bool> LeaveAsync(LineConnection connection, Drain drain, double rating)
    {
        await connection.SendLineAsync(FormattableString.Invariant($"stop {rating:0.#}"));
        await drain.Completion.WaitAsync(Patience);
        if (drain.PendingErrors() is [var error, ..])
        {
            tally.Saw($"left unrated after {error}");
            return false;
        }

        tally.LeftRated(rating);
        return true;
    }

    public static string JoinLine(string name) => $"{name} joined the server";

    [GeneratedRegex(@"^\('[^']+', (\d+)\)$")]
    private static partial Regex ServerAddress();
}
