using System.Diagnostics;
using System.Globalization;
using ChatActors.Client;

namespace ChatActors.Soak.Faults;

/// <summary>
/// The person at one run of the project's own client (<see cref="ChatClient"/>), played by the
/// fault run: types a numbered line now and then, leaves with its rating after a while or when
/// told, and records in <see cref="ClientRecord"/> what the client showed it.
/// </summary>
/// <param name="leaveAfter">How long it chats before it leaves by itself.</param>
/// <param name="stopTyping">The chat is over: type nothing more.</param>
/// <param name="leaveNow">Completes when every line has arrived and everyone leaves.</param>
public sealed class ScriptedUser(
    ClientRecord record, Tally tally, Stopwatch clock, TimeSpan lineInterval, TimeSpan leaveAfter, CancellationToken stopTyping, Task leaveNow) : IClientConsole
{
    private readonly Lock _gate = new();
    private bool _awaitingJoin = true;
    private int _session = -1;

    /// <summary>When it typed its leave; null while it has not.</summary>
    public TimeSpan? LeaveTypedAt { get; private set; }

    public bool EverJoined { get; private set; }

    public void Status(string message)
    {
        if (message.StartsWith("The server closed the connection; reconnecting", StringComparison.Ordinal))
        {
            record.SessionEnded(clock.Elapsed);
            lock (_gate)
            {
                _awaitingJoin = true;
            }
        }
        else if (message.StartsWith("The server closed the connection before it answered the join", StringComparison.Ordinal))
        {
            record.JoinUnanswered();
        }
    }

    public void Error(string message)
    {
        if (message.StartsWith("The server turned us away: Server busy", StringComparison.Ordinal))
        {
            tally.LostClient("Server busy");
        }
        else if (message.StartsWith("The connection was lost", StringComparison.Ordinal))
        {
            // The first join: sent, and the connection closed before its answer.
            record.JoinUnanswered();
        }
    }

    /// <summary>Its name is in use: no other, it comes back for it later (the fault run's loop).</summary>
    public string? AskName(string? why) => null;

    public void Show(string line)
    {
        lock (_gate)
        {
            if (_awaitingJoin && ChatClient.JoinedName(line) is { } name)
            {
                _session = record.Joined(name, clock.Elapsed);
                _awaitingJoin = false;
                EverJoined = true;
                if (LeaveTypedAt is not null)
                {
                    // Back on a new server with the leave still to send: it goes out at once.
                    record.SessionEnded(clock.Elapsed);
                }

                return;
            }
        }

        if (line.StartsWith("ERROR", StringComparison.Ordinal))
        {
            tally.Problem("error to a chatting client", $"{record.Family}: {line}");
            return;
        }

        var colon = line.IndexOf(" : ", StringComparison.Ordinal);
        if (colon < 0)
        {
            return; // NAME joined / exited the server
        }

        var text = line.AsSpan(colon + 3);
        var dot = text.IndexOf('.');
        var space = text.IndexOf(' ');
        if (dot < 0 || space < dot
            || !int.TryParse(text[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out var sender)
            || !long.TryParse(text[(dot + 1)..space], NumberStyles.None, CultureInfo.InvariantCulture, out var seq)
            || !text[(space + 1)..].SequenceEqual(ClientRecord.Padding))
        {
            tally.Problem("corrupt line", line);
            return;
        }

        if (!record.Received(_session, sender, seq))
        {
            tally.Problem("line twice or out of order", $"{record.Family} (client {record.Id}) got line {seq} of client {sender} again or late");
        }
    }

    public async Task ChatAsync(string title, Func<string, Task> send, CancellationToken serverGone)
    {
        using var typing = CancellationTokenSource.CreateLinkedTokenSource(stopTyping, serverGone);
        var leaveAt = clock.Elapsed + leaveAfter;
        try
        {
            while (true)
            {
                await Task.Delay(lineInterval * (0.5 + Random.Shared.NextDouble()), typing.Token);
                if (clock.Elapsed >= leaveAt)
                {
                    await LeaveAsync(send);
                    return;
                }

                var seq = record.Typed(clock.Elapsed);
                await send(FormattableString.Invariant($"{record.Id}.{seq} {ClientRecord.Padding}"));
            }
        }
        catch (OperationCanceledException)
        {
        }

        if (serverGone.IsCancellationRequested)
        {
            return; // The client gave up: no server to be had.
        }

        await Task.WhenAny(leaveNow, Task.Delay(Timeout.Infinite, serverGone));
        if (!serverGone.IsCancellationRequested)
        {
            await LeaveAsync(send);
        }
    }

    public string AskLeave()
    {
        LeaveTypedAt ??= clock.Elapsed;
        return Leave;
    }

    private string Leave => FormattableString.Invariant($"stop {record.Rating:0.#}");

    /// <summary>
    /// The session ends with the leave: the server releases the name as it reads it, and closes
    /// the connection only once the leave is journaled, which may take seconds while the stats
    /// singleton moves. The name is another client's to take meanwhile.
    /// </summary>
    private async Task LeaveAsync(Func<string, Task> send)
    {
        LeaveTypedAt = clock.Elapsed;
        record.SessionEnded(clock.Elapsed);
        await send(Leave);
    }
}
