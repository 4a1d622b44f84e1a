using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ChatActors.Soak;

public enum Misbehaviour
{
    StalledReader,
    Flooder,
    BinaryGarbage,
    HugeLines,
    JoinFlood,
    IdleSockets,
    HalfOpen,
    SqlNames,
    Impersonator,
    InvalidUtf8,
}

/// <summary>
/// One hostile client, from an address of its own, repeating its misbehaviour in rounds
/// until told to stop. A round is never cut short, so that every join and leave it starts
/// is also seen through, and the tally stays exact.
/// </summary>
public sealed partial class Misbehaver(int index, Misbehaviour kind, IPAddress address, ChatMoves moves, int wellBehaved)
{
    private const int JoinFloodConnects = 60;
    private const int IdleConnections = 25;
    private static readonly TimeSpan StallFor = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan FloodAtMost = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan UnjoinedCloseWithin = TimeSpan.FromSeconds(45);
    private static readonly string[] SqlNameShapes = ["o'brien", "x');DROP_TABLE_session;--", "\"quoted\"", "Robert%_--", "a';SELECT*FROM_server;"];

    private Tally Tally => moves.Tally;

    public async Task RunAsync(CancellationToken stop)
    {
        for (var round = 1; !stop.IsCancellationRequested; round++)
        {
            try
            {
                await RoundAsync($"{Prefix}{index}r{round}");
            }
            catch (Exception ex)
            {
                // A misbehaving client must get its answers too: one it waited for in vain is a problem of the node.
                Tally.Problem($"{kind} client failed", $"{ex.GetType().Name}: {ex.Message}");
            }

            await Task.Delay(TimeSpan.FromSeconds(1 + Random.Shared.Next(4)), CancellationToken.None);
        }
    }

    private string Prefix => kind switch
    {
        Misbehaviour.StalledReader => "s",
        Misbehaviour.Flooder => "f",
        Misbehaviour.BinaryGarbage => "b",
        Misbehaviour.HugeLines => "h",
        Misbehaviour.JoinFlood => "j",
        Misbehaviour.IdleSockets => "n",
        Misbehaviour.HalfOpen => "k",
        Misbehaviour.SqlNames => SqlNameShapes[index % SqlNameShapes.Length],
        Misbehaviour.Impersonator => "i",
        _ => "u",
    };

    private Task RoundAsync(string name) => kind switch
    {
        Misbehaviour.StalledReader => StallAsync(name),
        Misbehaviour.Flooder => FloodAsync(name),
        Misbehaviour.BinaryGarbage => SendGarbageAsync(name),
        Misbehaviour.HugeLines => SendHugeLineAsync(name),
        Misbehaviour.JoinFlood => FloodBalancerAsync(name),
        Misbehaviour.IdleSockets => HoldIdleSocketsAsync(),
        Misbehaviour.HalfOpen => HalfCloseAsync(name),
        Misbehaviour.SqlNames => ChatWithSqlNameAsync(name),
        Misbehaviour.Impersonator => ImpersonateAsync(name),
        _ => SendInvalidUtf8Async(name),
    };

    /// <summary>Sends chat as fast as TCP takes it, reading its socket: it is slowed, then cut off for flooding.</summary>
    private async Task FloodAsync(string name)
    {
        await using var connection = await moves.JoinAsync(address, name);
        if (connection is null)
        {
            return;
        }

        var drain = Drain.Start(connection, name);
        var lines = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 64).Select(n => $"{name} : flood {n}\n")));
        using var giveUp = new CancellationTokenSource(FloodAtMost);
        try
        {
            while (!drain.Completion.IsCompleted)
            {
                await connection.SendAsync(lines, giveUp.Token);
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            // The server closed the connection (or the flood ran its time).
        }

        var error = await drain.NextErrorAsync(ChatMoves.Patience);
        if (error?.StartsWith("ERROR flooding", StringComparison.Ordinal) == true)
        {
            Tally.Saw("flooder cut off with ERROR flooding");
        }
        else
        {
            Tally.Problem("flooder not cut off", $"{name}: {error ?? "no error line"}");
        }
    }

    /// <summary>Chats in random bytes: control characters, escape sequences, NUL, lone CR, invalid UTF-8.</summary>
    private async Task SendGarbageAsync(string name)
    {
        await using var connection = await moves.JoinAsync(address, name);
        if (connection is null)
        {
            return;
        }

        var drain = Drain.Start(connection, name);
        byte[][] nasty = [[0x1b, .. "[2J"u8], [0x1b, .. "[H"u8], [0x1b, .. "]0;owned"u8, 0x07], [0], [(byte)'\r'], [0xc2, 0x9b], [0xff, 0xfe], [0xc3, 0x28], [0x07], [0x7f]];
        for (var i = 0; i < 60; i++)
        {
            var line = new List<byte>();
            for (var piece = Random.Shared.Next(1, 12); piece > 0; piece--)
            {
                line.AddRange(Random.Shared.Next(3) == 0
                    ? Enumerable.Range(0, Random.Shared.Next(1, 10)).Select(_ => (byte)Random.Shared.Next(1, 256)).Where(b => b != '\n')
                    : nasty[Random.Shared.Next(nasty.Length)]);
            }

            // A line that is "stop" after cleaning would be a leave.
            await connection.SendAsync([.. "garbage "u8, .. line, (byte)'\n']);
            await Task.Delay(TimeSpan.FromMilliseconds(300));
        }

        Tally.Saw("garbage lines sent", 60);
        await moves.LeaveAsync(connection, drain, 3);
    }

    /// <summary>Sends one line of 1 MiB: refused as too long, or cut off for flooding if it takes the byte rate too long.</summary>
    private async Task SendHugeLineAsync(string name)
    {
        await using var connection = await moves.JoinAsync(address, name);
        if (connection is null)
        {
            return;
        }

        var drain = Drain.Start(connection, name);
        var huge = new byte[(1 << 20) + 1];
        Array.Fill(huge, (byte)'A');
        huge[^1] = (byte)'\n';
        try
        {
            await connection.SendAsync(huge);
        }
        catch (SocketException)
        {
            // Cut off while sending.
        }

        switch (await drain.NextErrorAsync(FloodAtMost))
        {
            case "ERROR line too long":
                Tally.Saw("1 MiB line refused as too long");
                await moves.LeaveAsync(connection, drain, 2);
                break;
            case { } error when error.StartsWith("ERROR flooding", StringComparison.Ordinal):
                Tally.Saw("1 MiB line sender cut off for flooding");
                break;
            case var other:
                Tally.Problem("1 MiB line not refused", $"{name}: {other ?? "no error line"}");
                break;
        }
    }

    /// <summary>A name made of quotes and SQL; storage.db must show it exactly.</summary>
    private async Task ChatWithSqlNameAsync(string name)
    {
        await using var connection = await moves.JoinAsync(address, name);
        if (connection is null)
        {
            return;
        }

        Tally.JoinedWithSqlName(name);
        var drain = Drain.Start(connection, name);
        await connection.SendLineAsync($"{name} : hello from {name}");
        await Task.Delay(TimeSpan.FromSeconds(5));
        await moves.LeaveAsync(connection, drain, 5);
    }

    /// <summary>Tries a well-behaved client's name as it is, in full-width letters and with a zero-width space, then speaks as them.</summary>
    private async Task ImpersonateAsync(string name)
    {
        var victim = GoodClient.NameOf(Random.Shared.Next(wellBehaved));
        await using var connection = await moves.ConnectAsync(address, await moves.ServerPortAsync(address));
        if (connection is null)
        {
            return;
        }

        var fullWidth = string.Concat(victim.Select(c => (char)(c + 0xfee0)));
        var zeroWidth = victim[..1] + "\u200b" + victim[1..];
        foreach (var (attempt, expected) in new[] { (victim, $"ERROR name in use: {victim}"), (fullWidth, $"ERROR name in use: {victim}"), (zeroWidth, "ERROR join first: send \"NAME joined the server\"") })
        {
            var answer = await moves.TryJoinAsync(connection, attempt);
            if (answer != expected)
            {
                Tally.Problem("impersonation not refused", $"joining as \"{attempt}\" got \"{answer}\"");
                return;
            }
        }

        Tally.Saw("impersonations refused", 3);
        if (await moves.TryJoinAsync(connection, name) != ChatMoves.JoinLine(name))
        {
            return;
        }

        var drain = Drain.Start(connection, name);
        await connection.SendLineAsync($"{victim} : 1 the quick brown fox jumps");
        await Task.Delay(TimeSpan.FromSeconds(3));
        await moves.LeaveAsync(connection, drain, 4);
    }

    /// <summary>A name that is not UTF-8 (refused), then chat that is not (its bytes arrive as U+FFFD).</summary>
    private async Task SendInvalidUtf8Async(string name)
    {
        await using var connection = await moves.ConnectAsync(address, await moves.ServerPortAsync(address));
        if (connection is null)
        {
            return;
        }

        var answer = await moves.TryJoinAsync(connection, [(byte)'u', 0xc3, 0x28, .. Encoding.ASCII.GetBytes(name)]);
        if (answer?.StartsWith("ERROR join first", StringComparison.Ordinal) != true)
        {
            Tally.Problem("name that is not UTF-8 not refused", $"got \"{answer}\"");
            return;
        }

        if (await moves.TryJoinAsync(connection, name) != ChatMoves.JoinLine(name))
        {
            return;
        }

        var drain = Drain.Start(connection, name);
        await connection.SendAsync([.. Encoding.ASCII.GetBytes($"{name} : caf"), 0xe9, (byte)' ', 0xff, 0xfe, .. " ok\n"u8]);
        if (await drain.OwnLineAsync(line => line.Contains('\ufffd', StringComparison.Ordinal), ChatMoves.Patience))
        {
            Tally.Saw("invalid UTF-8 in chat shown as U+FFFD");
        }
        else
        {
            Tally.Problem("invalid UTF-8 in chat not replaced", name);
        }

        await moves.LeaveAsync(connection, drain, 1);
    }
}
