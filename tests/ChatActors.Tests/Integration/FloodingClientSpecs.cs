using System.Text;
using ChatActors.Harness;
using ChatActors.Tests.Support;

namespace ChatActors.Tests.Integration;

/// <summary>A real node against clients that send faster than allowed or never read, while everyone else chats on.</summary>
public class FloodingClientSpecs
{
    [Fact]
    public async Task A_flooder_is_slowed_and_cut_off_while_readers_get_every_line_it_was_let_send_and_stay()
    {
        await using var node = await TestNode.StartAsync(
            servers: 2,
            extraHocon: $"chat-actors {{ input-flood-cut-off = 3s, admin-port = {NodeProcesses.FreeRange(1)} }}");
        var readers = new List<ChatClient>();
        for (var i = 0; i < 5; i++)
        {
            readers.Add(await ChatClient.JoinAsync(node.ServerPorts[i % 2], $"reader{i}"));
        }

        var flooder = await ChatClient.JoinAsync(node.ServerPorts[0], "flooder");
        using var flooding = new CancellationTokenSource();
        var flood = Task.Run(async () =>
        {
            var block = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 100).Select(n => $"flooder : {n} and more\n")));
            while (!flooding.IsCancellationRequested)
            {
                await flooder.SendAsync(block);
            }
        });

        foreach (var reader in readers)
        {
            var lines = await reader.ReadUntilAsync("flooder exited the server", TimeSpan.FromSeconds(20));
            // The burst of 100, then 20 a second for the 3 s before the cut-off: a couple of hundred, not the flood.
            Assert.InRange(lines.Count(line => line.StartsWith("flooder : ", StringComparison.Ordinal)), 100, 250);
        }

        await flooding.CancelAsync();
        await flood.ContinueWith(_ => { });
        await flooder.DisposeAsync();

        // Every reader is still there and served.
        await readers[0].SendAsync("reader0 : still here\n");
        foreach (var reader in readers)
        {
            await reader.ReadUntilAsync("reader0 : still here");
            await reader.DisposeAsync();
        }

        // The operator sees the flood in the metrics: slowed down at least once, and nobody cut off for not reading.
        var metrics = await PrometheusText.ScrapeAsync(node.AdminEndpoint!);
        Assert.True(metrics.Value("chatactors_flood_slow_downs_total") >= 1, "a slow-down counted");
        Assert.False(metrics.Has("chatactors_readers_cut_off_total"), "no reader cut off");
    }

    [Fact]
    public async Task A_client_that_never_reads_is_cut_off_while_the_others_keep_receiving()
    {
        await using var node = await TestNode.StartAsync(
            servers: 2,
            extraHocon: $"chat-actors {{ outbound-max-messages = 100, outbound-max-bytes = 65536, admin-port = {NodeProcesses.FreeRange(1)} }}\n" + TestNode.WithoutFloodControl);
        // After its join the stalled client reads nothing more.
        await using var stalled = await ChatClient.JoinAsync(node.ServerPorts[1], "stalled");
        await using var reader = await ChatClient.JoinAsync(node.ServerPorts[0], "reader");
        await using var talker = await ChatClient.JoinAsync(node.ServerPorts[0], "talker");
        await reader.ReadUntilAsync("talker joined the server");

        // Talk until the stalled client's queue overflows; the reader must see every line
        // in order, then the stalled client's exit, and keep receiving after it.
        var filler = new string('x', 200);
        var sent = 0;
        var seen = 0;
        while (true)
        {
            await talker.SendAsync(string.Concat(Enumerable.Range(sent, 100).Select(n => $"talker : {n} {filler}\n")));
            sent += 100;
            await talker.ReadUntilAsync($"talker : {sent - 1} {filler}");
            string line;
            var exited = false;
            while (seen < sent)
            {
                line = await reader.ReadLineAsync();
                if (line == "stalled exited the server")
                {
                    exited = true;
                    continue;
                }

                Assert.Equal($"talker : {seen} {filler}", line);
                seen++;
            }

            if (exited)
            {
                break;
            }

            Assert.True(sent < 200_000, "the stalled client was never cut off");
        }

        await talker.SendAsync("talker : after\n");
        Assert.Equal("talker : after", await reader.ReadLineAsync());
        Assert.Equal(1, (await PrometheusText.ScrapeAsync(node.AdminEndpoint!)).Value("chatactors_readers_cut_off_total"));
    }
}
