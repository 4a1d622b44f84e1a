using System.Text;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using ChatActors.Names;
using ChatActors.Server;
using ChatActors.Session;
using ChatActors.Stats;
using ChatActors.Tests.Support;

namespace ChatActors.Tests.Unit;

public class ClientSessionChatSpecs : ClientSessionSpecKit
{
    [Fact]
    public async Task Nobody_can_speak_as_someone_else()
    {
        var (_, client) = await JoinAsync("alice", "alice joined the server\n");
        await client.SendAsync("bob : I am bob\n");
        Assert.Equal("alice : I am bob\n", await ExpectPublishedAsync());
        await client.SendAsync("alice : really me\n");
        Assert.Equal("alice : really me\n", await ExpectPublishedAsync());
    }

    [Fact]
    public async Task The_sender_gets_its_own_lines_once_even_when_its_leave_follows_them_in_the_same_read()
    {
        var (session, client) = await JoinAsync("alice", "alice joined the server\n");
        Watch(session);
        await client.SendAsync("hello\nalice : again\nstop 3\n");
        Assert.Equal("alice : hello\nalice : again\n", await ExpectPublishedAsync());
        await ExpectLeaveCountedAsync("alice", 3);
        await ExpectEndedAsync(session);
        Assert.Equal("alice : hello\nalice : again\n", await client.ReadToEndAsync());
    }

    [Fact]
    public async Task A_read_of_lines_already_as_everyone_gets_them_reaches_the_sender_too()
    {
        var (_, client) = await JoinAsync("alice", "alice joined the server\n");
        await client.SendAsync("alice : one\nalice : two\n");
        Assert.Equal("alice : one\nalice : two\n", await ExpectPublishedAsync());
        Assert.Equal(["alice : one", "alice : two"], [await client.ReadLineAsync(), await client.ReadLineAsync()]);
    }

    [Fact]
    public async Task A_chat_line_containing_stop_is_chat()
    {
        var (_, client) = await JoinAsync("alice", "alice joined the server\n");
        await client.SendAsync("alice : please stop that\n");
        Assert.Equal("alice : please stop that\n", await ExpectPublishedAsync());
        await StatsProbe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Stop_leaves_unrated_tells_everyone_else_and_closes_once_the_leave_is_journaled()
    {
        var (session, client) = await JoinAsync("alice", "alice joined the server\n");
        Watch(session);
        await client.SendAsync("stop\n");
        Assert.Equal("alice exited the server\n", await ExpectPublishedAsync());
        Assert.Equal(SessionLeft.Instance, await ServerProbe.ExpectMsgAsync<SessionLeft>());
        Assert.Equal(new ReleaseName("alice"), await NamesProbe.ExpectMsgAsync<ReleaseName>());
        var leave = await ExpectCountRequestAsync<RecordLeave>();
        Assert.Null(leave.Rating);

        // Until the stats actor has journaled the leave, the session (and so the connection) stays.
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
        StatsProbe.Reply(Counted.Instance);
        await ExpectEndedAsync(session);
        Assert.Equal(string.Empty, await client.ReadToEndAsync());
    }

    [Fact]
    public async Task Stop_with_a_decimal_rating_records_it_for_the_sessions_own_join()
    {
        var (_, client) = await JoinAsync("alice", "alice joined the server\n");
        await client.SendAsync("stop 4.5\n");
        await ExpectLeaveCountedAsync("alice", 4.5);
    }

    [Fact]
    public async Task A_leave_that_cannot_be_counted_still_closes_the_connection()
    {
        var (session, client) = await JoinAsync("alice", "alice joined the server\n");
        Watch(session);
        await client.SendAsync("stop 4\n");
        await StatsProbe.ExpectMsgAsync<RecordLeave>();
        StatsProbe.Reply(CountRefused.Instance);
        await ExpectEndedAsync(session);
    }

    [Fact]
    public async Task Stop_with_an_invalid_rating_explains_and_leaves_unrated()
    {
        var (session, client) = await JoinAsync("alice", "alice joined the server\n");
        Watch(session);
        await client.SendAsync("stop 9\n");
        await ExpectLeaveCountedAsync("alice", null);
        await ExpectEndedAsync(session);
        Assert.Equal("ERROR rating must be a number from 1 to 5\n", await client.ReadToEndAsync());
    }

    [Fact]
    public async Task A_server_that_stops_ends_a_joined_session_with_an_unrated_leave()
    {
        var (session, _) = await JoinAsync("alice", "alice joined the server\n");
        Watch(session);
        session.Tell(EndSession.Instance);
        Assert.Equal("alice exited the server\n", await ExpectPublishedAsync());
        await ExpectLeaveCountedAsync("alice", null);
        await ExpectTerminatedAsync(session);
    }

    [Fact]
    public async Task A_line_too_long_is_refused_and_the_session_stays_open()
    {
        var (_, client) = await JoinAsync("alice", "alice joined the server\n");
        await client.SendAsync(new string('x', 200) + "\nalice : still here\n");
        Assert.Equal("ERROR line too long", await client.ReadLineAsync());
        Assert.Equal("alice : still here\n", await ExpectPublishedAsync());
    }

    [Fact]
    public async Task A_legacy_client_joins_and_chats_with_unterminated_writes()
    {
        var (_, client) = await JoinAsync("bob", "bob joined the server");
        await client.SendAsync("bob : hi");
        Assert.Equal("bob : hi\n", await ExpectPublishedAsync());
        await client.SendAsync("stop 3");
        await ExpectLeaveCountedAsync("bob", 3);
    }

    [Fact]
    public async Task A_client_that_disconnects_without_stop_leaves_unrated()
    {
        var (session, client) = await JoinAsync("alice", "alice joined the server\n");
        Watch(session);
        await client.DisposeAsync();
        Assert.Equal("alice exited the server\n", await ExpectPublishedAsync());
        await ExpectLeaveCountedAsync("alice", null);
        await ExpectTerminatedAsync(session);
    }

    [Fact]
    public async Task A_burst_within_the_limits_is_read_at_once()
    {
        var (session, client) = await ConnectAsync(Settings with { Input = new InputLimits(1, 11, 1e9, int.MaxValue, TimeSpan.FromSeconds(1)) });
        await client.SendAsync("alice joined the server\n");
        await NamesProbe.ExpectMsgAsync<ClaimName>();
        NamesProbe.Reply(new NameClaimed("alice"));
        await StatsProbe.ExpectMsgAsync<RecordJoin>();
        StatsProbe.Reply(new JoinRecorded("alice", JoinedAt, JoinSequenceNr));
        await ExpectPublishedAsync();

        // The join and these ten lines are the burst of eleven: all of them at once.
        await client.SendAsync(string.Concat(Enumerable.Range(0, 10).Select(n => $"line {n}\n")));
        Assert.Equal(10, (await ExpectPublishedAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task A_sustained_flood_is_slowed_and_then_cut_off_with_an_error()
    {
        var (session, client) = await JoinAsync("alice", "alice joined the server\n", Settings with
        {
            Input = new InputLimits(20, 10, 1e9, int.MaxValue, TimeSpan.FromSeconds(1)),
        });
        Watch(session);
        using var flooding = new CancellationTokenSource();
        var flood = Task.Run(async () =>
        {
            for (var n = 0; !flooding.IsCancellationRequested; n++)
            {
                await client.SendAsync($"flood {n}\n");
                await Task.Delay(1);
            }
        });

        var published = 0;
        while (true)
        {
            var publish = await TopicProbe.ExpectMsgAsync<Publish>(TimeSpan.FromSeconds(10));
            var lines = System.Text.Encoding.UTF8.GetString(((ChatLines)publish.Message).Bytes);
            if (lines == "alice exited the server\n")
            {
                break;
            }

            published += lines.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        }

        await flooding.CancelAsync();
        await ExpectLeaveCountedAsync("alice", null);
        await ExpectEndedAsync(session);
        Assert.Contains("ERROR flooding", await client.ReadToEndAsync());
        // The burst, then about 20 lines a second for the second before the cut-off: far from all that was sent.
        Assert.InRange(published, 10, 60);
        await flood.ContinueWith(_ => { }); // stopped, or cut off mid-send
    }
}
