using Akka.Actor;
using ChatActors.Names;
using ChatActors.Session;
using ChatActors.Stats;
using ChatActors.Tests.Support;

namespace ChatActors.Tests.Unit;

public class ClientSessionSpecs : ClientSessionSpecKit
{
    [Fact]
    public async Task A_join_claims_the_name_records_it_and_then_broadcasts_it()
    {
        await JoinAsync("alice", "alice joined the server\n");
    }

    [Fact]
    public async Task Anything_but_a_join_first_is_refused_and_the_client_may_try_again()
    {
        var (_, client) = await ConnectAsync();
        await client.SendAsync("hello\nbad name joined the server\n\n");
        var joinFirst = "ERROR join first: send \"NAME joined the server\"";
        Assert.Equal([joinFirst, joinFirst, joinFirst], [await client.ReadLineAsync(), await client.ReadLineAsync(), await client.ReadLineAsync()]);
        await NamesProbe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));

        await client.SendAsync("carol joined the server\n");
        Assert.Equal(new ClaimName("carol"), await NamesProbe.ExpectMsgAsync<ClaimName>());
    }

    [Fact]
    public async Task A_name_in_use_is_refused_and_the_client_may_choose_another()
    {
        var (_, client) = await ConnectAsync();
        await client.SendAsync("alice joined the server\n");
        await NamesProbe.ExpectMsgAsync<ClaimName>();
        NamesProbe.Reply(new NameInUse("alice"));
        Assert.Equal("ERROR name in use: alice", await client.ReadLineAsync());
        await StatsProbe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));

        await client.SendAsync("alice2 joined the server\n");
        Assert.Equal(new ClaimName("alice2"), await NamesProbe.ExpectMsgAsync<ClaimName>());
    }

    /// <summary>Sends a join whose name is claimed; the stats actor gets it and the spec decides its fate.</summary>
    private async Task<(IActorRef Session, ChatClient Client)> PendingJoinAsync(SessionSettings settings)
    {
        var (session, client) = await ConnectAsync(settings);
        await client.SendAsync("alice joined the server\nalice : hello\n");
        await NamesProbe.ExpectMsgAsync<ClaimName>();
        NamesProbe.Reply(new NameClaimed("alice"));
        await StatsProbe.ExpectMsgAsync<RecordJoin>();
        return (session, client);
    }

    /// <summary>The client is told its join failed, its name is free, nothing it sent was broadcast, and it may join again.</summary>
    private async Task ExpectJoinFailedAsync(ChatClient client)
    {
        Assert.Equal("ERROR join failed, try again", await client.ReadLineAsync());
        Assert.Equal(new ReleaseName("alice"), await NamesProbe.ExpectMsgAsync<ReleaseName>());
        await TopicProbe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
        await client.SendAsync("alice joined the server\n");
        Assert.Equal(new ClaimName("alice"), await NamesProbe.ExpectMsgAsync<ClaimName>());
    }

    [Fact]
    public async Task A_join_the_stats_actor_refuses_fails_and_the_client_may_try_again()
    {
        var (_, client) = await PendingJoinAsync(Settings);
        StatsProbe.Reply(CountRefused.Instance);
        await ExpectJoinFailedAsync(client);
    }

    [Fact]
    public async Task A_join_that_may_have_been_lost_with_the_stats_actors_node_closes_without_an_answer_and_frees_the_name()
    {
        var (session, client) = await PendingJoinAsync(Settings);
        Watch(session);
        StatsProbe.Reply(CountUncertain.Instance);

        Assert.Equal(new ReleaseName("alice"), await NamesProbe.ExpectMsgAsync<ReleaseName>());
        await ExpectEndedAsync(session);
        Assert.Equal(string.Empty, await client.ReadToEndAsync());
        await TopicProbe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task A_join_the_stats_actor_never_answers_fails_once_it_can_no_longer_be_counted()
    {
        var answerWithin = TimeSpan.FromMilliseconds(400);
        var (_, client) = await PendingJoinAsync(Settings with { Counting = new CountWaits(TimeSpan.FromMilliseconds(100), answerWithin) });
        var readLine = client.ReadLineAsync();
        // Told any earlier, the client might see its join fail and then counted after all.
        await Assert.ThrowsAsync<TimeoutException>(() => readLine.WaitAsync(answerWithin / 2));
        Assert.Equal("ERROR join failed, try again", await readLine);
        Assert.Equal(new ReleaseName("alice"), await NamesProbe.ExpectMsgAsync<ReleaseName>());
    }

    [Fact]
    public async Task A_join_waits_for_a_slow_journal_past_the_name_registrys_timeout()
    {
        var (_, client) = await PendingJoinAsync(Settings with { JoinTimeout = TimeSpan.FromMilliseconds(100) });
        await TopicProbe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(400));
        StatsProbe.Reply(new JoinRecorded("alice", JoinedAt, JoinSequenceNr));
        Assert.Equal("alice joined the server\n", await ExpectPublishedAsync());
        Assert.Equal("alice : hello\n", await ExpectPublishedAsync());
    }

    [Fact]
    public async Task Messages_sent_while_the_join_is_pending_are_handled_after_it_in_order()
    {
        var (_, client) = await ConnectAsync();
        await client.SendAsync("alice joined the server\nalice : first\nsecond\n");
        await NamesProbe.ExpectMsgAsync<ClaimName>();
        NamesProbe.Reply(new NameClaimed("alice"));
        await StatsProbe.ExpectMsgAsync<RecordJoin>();
        StatsProbe.Reply(new JoinRecorded("alice", JoinedAt, JoinSequenceNr));

        Assert.Equal("alice joined the server\n", await ExpectPublishedAsync());
        Assert.Equal("alice : first\nalice : second\n", await ExpectPublishedAsync());
    }

    [Fact]
    public async Task A_connection_that_does_not_join_in_time_is_told_so_and_closed()
    {
        var (session, client) = await ConnectAsync(Settings with { UnjoinedTimeout = TimeSpan.FromMilliseconds(300) });
        Watch(session);
        await client.SendAsync("hello\n");
        Assert.StartsWith("ERROR join first", await client.ReadLineAsync());

        await ExpectEndedAsync(session);
        Assert.Equal("ERROR no join within 0.3 s, closing\n", await client.ReadToEndAsync());
    }

    [Fact]
    public async Task A_connection_that_joins_just_in_time_stays()
    {
        var (session, client) = await ConnectAsync(Settings with { UnjoinedTimeout = TimeSpan.FromMilliseconds(500) });
        Watch(session);
        await client.SendAsync("alice joined the server\n");
        await NamesProbe.ExpectMsgAsync<ClaimName>();
        NamesProbe.Reply(new NameClaimed("alice"));
        await StatsProbe.ExpectMsgAsync<RecordJoin>();
        StatsProbe.Reply(new JoinRecorded("alice", JoinedAt, JoinSequenceNr));
        Assert.Equal("alice joined the server\n", await ExpectPublishedAsync());

        await ExpectNoMsgAsync(TimeSpan.FromSeconds(1));
        await client.SendAsync("alice : still here\n");
        Assert.Equal("alice : still here\n", await ExpectPublishedAsync());
    }

    [Fact]
    public async Task A_join_under_way_at_the_deadline_may_finish_but_a_failed_one_closes()
    {
        var (session, client) = await ConnectAsync(Settings with { UnjoinedTimeout = TimeSpan.FromMilliseconds(200) });
        Watch(session);
        await client.SendAsync("alice joined the server\n");
        await NamesProbe.ExpectMsgAsync<ClaimName>();
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(400));

        NamesProbe.Reply(new NameInUse("alice"));
        await ExpectEndedAsync(session);
        Assert.Equal("ERROR name in use: alice\nERROR no join within 0.2 s, closing\n", await client.ReadToEndAsync());
    }

    [Fact]
    public async Task A_client_that_disconnects_before_joining_just_ends()
    {
        var (session, client) = await ConnectAsync();
        Watch(session);
        await client.DisposeAsync();
        await ExpectTerminatedAsync(session);
        await TopicProbe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
    }
}
