using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace ChatActors.Session;

/// <summary>
/// The mailbox of a <see cref="ClientSession"/>: unbounded like Akka's default, but it holds
/// its queue only while messages wait. Akka's default keeps a 32-slot segment for the actor's
/// whole life, which is about a kilobyte for each of thousands of idle clients.
/// </summary>
public sealed class SessionMailbox(Settings settings, Config config) : MailboxType(settings, config), IProducesMessageQueue<SessionMessageQueue>
{
    /// <summary>Where base.conf defines it, for <see cref="Props.WithMailbox"/>.</summary>
    public const string ConfigPath = "chat-actors.session-mailbox";

    public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new SessionMessageQueue();
}

/// <summary>Many writers, one reader (the actor); the queue is dropped whenever it runs empty.</summary>
public sealed class SessionMessageQueue : IMessageQueue, IUnboundedMessageQueueSemantics
{
    private readonly Lock _lock = new();
    private Queue<Envelope>? _waiting;
    private volatile int _count;

    public bool HasMessages => _count > 0;

    public int Count => _count;

    public void Enqueue(IActorRef receiver, Envelope envelope)
    {
        lock (_lock)
        {
            (_waiting ??= new Queue<Envelope>()).Enqueue(envelope);
            _count++;
        }
    }

    public bool TryDequeue(out Envelope envelope)
    {
        lock (_lock)
        {
            if (_waiting is null || !_waiting.TryDequeue(out envelope))
            {
                envelope = default;
                return false;
            }

            if (--_count == 0)
            {
                _waiting = null;
            }

            return true;
        }
    }

    public void CleanUp(IActorRef owner, IMessageQueue deadletters)
    {
        while (TryDequeue(out var envelope))
        {
            deadletters.Enqueue(owner, envelope);
        }
    }
}
