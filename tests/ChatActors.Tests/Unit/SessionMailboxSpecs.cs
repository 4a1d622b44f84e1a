using Akka.Actor;
using ChatActors.Session;

namespace ChatActors.Tests.Unit;

public class SessionMailboxSpecs
{
    [Fact]
    public void Messages_come_out_in_order_and_the_queue_is_empty_after_the_last()
    {
        var queue = new SessionMessageQueue();
        Assert.False(queue.HasMessages);

        for (var i = 0; i < 100; i++)
        {
            queue.Enqueue(ActorRefs.Nobody, new Envelope(i, ActorRefs.NoSender));
        }

        Assert.Equal(100, queue.Count);
        for (var i = 0; i < 100; i++)
        {
            Assert.True(queue.TryDequeue(out var envelope));
            Assert.Equal(i, envelope.Message);
        }

        Assert.False(queue.HasMessages);
        Assert.False(queue.TryDequeue(out _));
    }

    [Fact]
    public async Task Many_senders_at_once_lose_nothing()
    {
        var queue = new SessionMessageQueue();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(sender => Task.Run(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                queue.Enqueue(ActorRefs.Nobody, new Envelope((sender, i), ActorRefs.NoSender));
            }
        })));

        var received = new List<(int Sender, int Index)>();
        while (queue.TryDequeue(out var envelope))
        {
            received.Add(((int, int))envelope.Message);
        }

        Assert.Equal(8000, received.Count);
        // Each sender's messages keep their order.
        Assert.All(received.GroupBy(m => m.Sender), messages => Assert.Equal(Enumerable.Range(0, 1000), messages.Select(m => m.Index)));
    }
}
