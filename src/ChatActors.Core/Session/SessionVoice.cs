using System.Buffers;
using System.Text;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using ChatActors.Admin;
using ChatActors.Net;
using ChatActors.Protocol;
using ChatActors.Server;

namespace ChatActors.Session;

/// <summary>
/// How a session's lines reach the room. The sender's own lines go straight to its own
/// connection, as its join line does; everyone else gets them as one broadcast on the chat
/// topic. Through the topic they could come back only after a leave that follows them in the
/// same read had taken the sender out of its server's room.
/// </summary>
public sealed class SessionVoice(ClientConnection connection, IActorRef chatTopic, IActorRef session, ChatMetrics metrics)
{
    /// <summary>Says whole encoded lines to everyone, the sender too; a sender whose own queue overflows is told <see cref="OutboundOverflowed"/>.</summary>
    public void Say(byte[] lines)
    {
        var count = lines.AsSpan().Count((byte)'\n');
        metrics.LinesIn(count);
        metrics.Sent(count, lines.Length);
        if (connection.Send(lines) == EnqueueResult.Overflowed)
        {
            session.Tell(OutboundOverflowed.Instance);
        }

        Announce(lines);
    }

    /// <summary>To everyone but the sender, who is told itself (its join) or is gone (its exit).</summary>
    public void Announce(byte[] lines) => chatTopic.Tell(new Publish(ChatTopic.Name, new ChatLines(lines, session)));

    /// <summary>
    /// Says what waits in <paramref name="input"/> as <paramref name="name"/>, as one block in
    /// order, until the input has nothing more for now or the client leaves; returns that leave.
    /// A line too long is answered with an error and not said.
    /// </summary>
    public LeaveCommand? SayWaiting(ClientInput input, string name)
    {
        var lines = new ArrayBufferWriter<byte>();
        LeaveCommand? leave = null;
        while (leave is null && input.TryNext(out var frame))
        {
            if (frame is TooLongFrame)
            {
                connection.Send(Wire.LineTooLong);
                continue;
            }

            switch (ChatRules.Interpret(((TextFrame)frame).Text, name))
            {
                case ChatCommand chat:
                    Encoding.UTF8.GetBytes(chat.Line, lines);
                    lines.Write("\n"u8);
                    break;
                case LeaveCommand command:
                    leave = command;
                    break;
            }
        }

        if (lines.WrittenCount > 0)
        {
            Say(lines.WrittenSpan.ToArray());
        }

        return leave;
    }
}
