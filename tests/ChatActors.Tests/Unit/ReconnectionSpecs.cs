using ChatActors.Client;
using ChatActors.Tests.Support;

namespace ChatActors.Tests.Unit;

/// <summary>The client coming back after its server went away, against a server that holds its name for a while.</summary>
public class ReconnectionSpecs
{
    private static readonly ClientOptions Options = new("127.0.0.1", 1, "ann", TimeSpan.Zero, TimeSpan.FromSeconds(30));

    [Fact]
    public async Task The_old_name_is_taken_again_once_the_server_frees_it()
    {
        using var server = new NameHoldingServer(refusals: 2);
        var console = new RecordingConsole();
        var rejoined = await new Reconnection(Options, console, _ => server.AskBalancerAsync(), TimeSpan.FromSeconds(20), Reconnection.DefaultAnswerWithin).RejoinAsync("ann");

        Assert.Equal("ann", rejoined?.Name);
        Assert.Equal(["ann joined the server", "ann joined the server", "ann joined the server"], server.Received);
        Assert.DoesNotContain(console.Lines, line => line.Contains("still taken", StringComparison.Ordinal));
        await rejoined!.Value.Connection.DisposeAsync();
    }

    [Fact]
    public async Task A_name_still_taken_after_the_name_wait_is_given_up_for_another_and_the_user_is_told()
    {
        using var server = new NameHoldingServer(refusals: int.MaxValue);
        var console = new RecordingConsole();
        var rejoined = await new Reconnection(Options, console, _ => server.AskBalancerAsync(), TimeSpan.FromMilliseconds(500), Reconnection.DefaultAnswerWithin).RejoinAsync("ann");

        Assert.Equal("ann-2", rejoined?.Name);
        Assert.Equal("ann-2 joined the server", server.Received[^1]);
        Assert.Contains("ann is still taken; you are ann-2 now.", console.Lines);
        await rejoined!.Value.Connection.DisposeAsync();
    }

    [Fact]
    public async Task A_server_that_closes_before_answering_the_join_is_said_and_another_is_asked_for()
    {
        using var server = new NameHoldingServer(refusals: 1, refusal: NameHoldingServer.CloseUnanswered);
        var console = new RecordingConsole();
        var rejoined = await new Reconnection(Options, console, _ => server.AskBalancerAsync(), TimeSpan.FromSeconds(20), Reconnection.DefaultAnswerWithin).RejoinAsync("ann");

        Assert.Equal("ann", rejoined?.Name);
        Assert.Contains("The server closed the connection before it answered the join; asking the balancer again.", console.Lines);
        Assert.Equal(["ann joined the server", "ann joined the server"], server.Received);
        await rejoined!.Value.Connection.DisposeAsync();
    }

    [Fact]
    public async Task A_balancer_that_does_not_answer_in_time_is_asked_again_and_the_user_is_told()
    {
        using var server = new NameHoldingServer(refusals: 0);
        var console = new RecordingConsole();
        var asks = 0;
        async Task<string> FirstAskUnanswered(CancellationToken unanswered)
        {
            if (Interlocked.Increment(ref asks) == 1)
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, unanswered);
            }

            return await server.AskBalancerAsync();
        }

        var rejoined = await new Reconnection(Options, console, FirstAskUnanswered, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(500)).RejoinAsync("ann").WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("ann", rejoined?.Name);
        Assert.Equal(2, asks);
        Assert.Contains("The balancer did not answer within 0.5 s; asking again.", console.Lines);
        await rejoined!.Value.Connection.DisposeAsync();
    }

    [Fact]
    public async Task A_balancer_ask_waits_no_longer_than_the_time_left_to_reconnect()
    {
        var options = Options with { ReconnectWithin = TimeSpan.FromSeconds(1) };
        var console = new RecordingConsole();
        var started = DateTime.UtcNow;
        async Task<string> NeverAnswered(CancellationToken unanswered)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, unanswered);
            return "";
        }

        var rejoined = await new Reconnection(options, console, NeverAnswered, TimeSpan.FromSeconds(20), TimeSpan.FromMinutes(5)).RejoinAsync("ann").WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Null(rejoined);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
        Assert.Contains(console.Lines, line => line.StartsWith("The balancer did not answer within 0.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task No_server_within_the_reconnect_time_gives_up()
    {
        var options = Options with { ReconnectWithin = TimeSpan.FromSeconds(1) };
        var console = new RecordingConsole();
        var started = DateTime.UtcNow;
        var rejoined = await new Reconnection(options, console, _ => Task.FromResult("SNA wait"), TimeSpan.FromSeconds(20), Reconnection.DefaultAnswerWithin).RejoinAsync("ann");

        Assert.Null(rejoined);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
        Assert.Contains("Every server is busy; asking again.", console.Lines);
    }
}
