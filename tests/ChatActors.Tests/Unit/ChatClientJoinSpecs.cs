using ChatActors.Client;
using ChatActors.Tests.Support;
using ChatClient = ChatActors.Client.ChatClient;

namespace ChatActors.Tests.Unit;

/// <summary>The client's first join, against a server that answers as PROTOCOL.md lets it.</summary>
public class ChatClientJoinSpecs
{
    private static readonly ClientOptions Options = new("127.0.0.1", 1, "ann", TimeSpan.Zero, TimeSpan.Zero);

    [Fact]
    public async Task A_join_the_cluster_could_not_count_is_tried_again_under_the_same_name_without_asking_for_another()
    {
        using var server = new NameHoldingServer(refusals: 2, refusal: "ERROR join failed, try again");
        var console = new RecordingConsole();

        var exitCode = await new ChatClient(Options, console, server.AskBalancerAsync).RunAsync();

        Assert.Equal(ChatClient.LeftTheChat, exitCode);
        Assert.Equal(["ann joined the server", "ann joined the server", "ann joined the server", "stop"], server.Received);
        Assert.Equal(2, console.Lines.Count(line => line == "The server could not take the join yet; trying again in 1 s."));
        Assert.Contains("ann joined the server", console.Lines);
    }
}
