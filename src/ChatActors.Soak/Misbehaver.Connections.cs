using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ChatActors.Soak;

/// <summary>The misbehaviours of the connection itself: stalls, idle and half-closed sockets, a flood of balancer connects.</summary>
public sealed partial class Misbehaver
{
    /// <summary>Joins and never reads again: its queue at the server overflows and the server cuts it off.</summary>
    private async Task StallAsync(string name)
    {
        await using var connection = await moves.JoinAsync(address, name, receiveBuffer: 4096);
        if (connection is null)
        {
            return;
        }

        await Task.Delay(StallFor);
        try
        {
            await connection.ReadToEndAsync(TimeSpan.FromSeconds(10));
            Tally.Saw("stalled reader cut off");
        }
        catch (TimeoutException)
        {
            Tally.Saw("stalled reader still connected after 60 s (the room was quiet)");
        }
    }

    /// <summary>Connects to the balancer many times at once; past its burst it gets <c>SNA wait</c>; then joins once.</summary>
    private async Task FloodBalancerAsync(string name)
    {
        var replies = await Task.WhenAll(Enumerable.Range(0, JoinFloodConnects).Select(_ => moves.AskBalancerAsync(address)));
        var refused = replies.Count(port => port is null);
        Tally.Saw("balancer connects of a join flood", JoinFloodConnects);
        if (refused == 0)
        {
            Tally.Problem("join flood never refused", $"{JoinFloodConnects} connects at once from {address}");
        }

        if (replies.FirstOrDefault(port => port is not null) is not { } serverPort
            || await moves.ConnectAsync(address, serverPort) is not { } connection)
        {
            return;
        }

        await using (connection)
        {
            if (await moves.TryJoinAsync(connection, name) == ChatMoves.JoinLine(name))
            {
                await moves.LeaveAsync(connection, Drain.Start(connection, name), 5);
            }
        }

        await Task.Delay(TimeSpan.FromSeconds(5));
    }

    /// <summary>Opens more connections to one server than one address may hold, and never joins on them.</summary>
    private async Task HoldIdleSocketsAsync()
    {
        var port = await moves.ServerPortAsync(address);
        var connections = await Task.WhenAll(Enumerable.Range(0, IdleConnections).Select(_ => moves.ConnectAsync(address, port)));
        var admitted = connections.OfType<LineConnection>().ToList();
        Tally.Saw("idle connections admitted", admitted.Count);
        if (admitted.Count == IdleConnections)
        {
            Tally.Problem("idle connections not limited", $"{IdleConnections} connections from {address} to one server");
        }

        foreach (var connection in admitted)
        {
            await using (connection)
            {
                var said = await connection.ReadToEndAsync(UnjoinedCloseWithin);
                if (said.StartsWith("ERROR no join within", StringComparison.Ordinal))
                {
                    Tally.Saw("idle connection closed for not joining");
                }
                else
                {
                    Tally.Problem("idle connection not closed as promised", $"\"{said}\"");
                }
            }
        }
    }

    /// <summary>Stops sending halfway through a join, then, joined, without a leave: the server closes both.</summary>
    private async Task HalfCloseAsync(string name)
    {
        var port = await moves.ServerPortAsync(address);
        await using (var unjoined = await moves.ConnectAsync(address, port))
        {
            if (unjoined is not null)
            {
                await unjoined.SendAsync(Encoding.UTF8.GetBytes($"{name} joi"));
                unjoined.CloseSending();
                await unjoined.ReadToEndAsync(UnjoinedCloseWithin);
                Tally.Saw("half-closed before joining, then closed by the server");
            }
        }

        await using var joined = await moves.JoinAsync(address, name);
        if (joined is not null)
        {
            joined.CloseSending();
            await joined.ReadToEndAsync(UnjoinedCloseWithin);
            Tally.Saw("half-closed after joining, then closed by the server");
        }
    }
}
