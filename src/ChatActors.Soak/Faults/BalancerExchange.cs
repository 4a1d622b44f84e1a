using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace ChatActors.Soak.Faults;

/// <summary>
/// The balancer port as the fault run's clients and probes use it: each exchange counted in the
/// tally as the client saw it, and each server handed out remembered with its time.
/// </summary>
public sealed partial class BalancerExchange(int port, Tally tally, Stopwatch clock)
{
    /// <summary>The connection closed without a reply: the node could not count it, or died after counting it.</summary>
    public const string Unanswered = "balancer closed without a reply";

    private readonly ConcurrentQueue<(TimeSpan At, int Port)> _handouts = new();

    public IEnumerable<(TimeSpan At, int Port)> Handouts => _handouts;

    public long UnansweredCount => tally.Events.GetValueOrDefault(Unanswered);

    /// <summary>The balancer's whole answer, as <see cref="ChatActors.Client.ChatClient"/> asks for it.</summary>
    /// <exception cref="SocketException">The connect was refused: nothing listens, nothing is counted.</exception>
    public Task<string> AskAsync() => AskAsync(IPAddress.Loopback);

    /// <param name="from">The client's address (any 127.x.y.z).</param>
    public async Task<string> AskAsync(IPAddress from)
    {
        await using var connection = await LineConnection.ConnectAsync(from, port);
        string reply;
        try
        {
            reply = await connection.ReadToEndAsync(ChatMoves.Patience);
        }
        catch (TimeoutException)
        {
            tally.Problem("the balancer kept a connection open without a reply", $"for {ChatMoves.Patience.TotalSeconds:0} s, from {clock.Elapsed - ChatMoves.Patience:mm\\:ss}");
            return string.Empty;
        }

        if (ServerAddress().Match(reply) is { Success: true } address)
        {
            tally.Approached();
            _handouts.Enqueue((clock.Elapsed, int.Parse(address.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)));
        }
        else if (reply == "SNA wait")
        {
            tally.Approached();
            tally.LostClient("SNA wait");
        }
        else if (reply.Length == 0)
        {
            tally.Saw(Unanswered);
        }
        else
        {
            tally.Problem("unexpected balancer reply", $"\"{reply}\"");
        }

        return reply;
    }

    [GeneratedRegex(@"^\('[^']+', (\d+)\)$")]
    private static partial Regex ServerAddress();
}
