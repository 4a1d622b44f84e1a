using System.Diagnostics;
using ChatActors.Client;

namespace ChatActors.Soak.Faults;

/// <summary>
/// One user of the fault run, on the project's own client: chats for a while, leaves with a
/// rating, comes back, again and again until the chat is over, while the client reconnects
/// through the balancer whenever its server goes away.
/// </summary>
public sealed class FaultClient(int id, BalancerExchange balancer, int balancerPort, Tally tally, Stopwatch clock, TimeSpan lineInterval)
{
    /// <summary>Long enough for a node's death and restart, short enough that a dead end shows.</summary>
    private static readonly TimeSpan ReconnectWithin = TimeSpan.FromSeconds(60);

    public ClientRecord Record { get; } = new(id);

    /// <param name="stopTyping">The chat is over: come back no more.</param>
    /// <param name="leaveNow">Completes when everyone leaves.</param>
    public async Task RunAsync(CancellationToken stopTyping, Task leaveNow)
    {
        var random = new Random(id);
        var options = new ClientOptions("127.0.0.1", balancerPort, Record.Family, TimeSpan.FromSeconds(1), ReconnectWithin);
        while (!stopTyping.IsCancellationRequested)
        {
            var stay = TimeSpan.FromSeconds(random.Next(20, 120));
            var user = new ScriptedUser(Record, tally, clock, lineInterval, stay, stopTyping, leaveNow);
            var exitCode = await new ChatClient(options, user, balancer.AskAsync).RunAsync();
            var now = clock.Elapsed;
            Record.SessionEnded(now);
            if (user.LeaveTypedAt is { } typedAt)
            {
                Record.Left(new RatedLeave(Record.Family, Record.Rating, typedAt, now, exitCode == ChatClient.LeftTheChat));
            }
            else if (exitCode == ChatClient.ServerWentAway && user.EverJoined)
            {
                tally.Problem("a client found no server to come back to", $"{Record.Family} (client {id}) within {ReconnectWithin.TotalSeconds:0} s");
            }
            else
            {
                tally.Saw(exitCode == ChatClient.NoServer ? "no server at the first try; trying again" : "name in use or no answer to the join; trying again");
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1 + random.NextDouble() * 3), stopTyping);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
