using System.Buffers;
using System.Net.Sockets;
using System.Text;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using ChatActors.Messages;
using ChatActors.Net;
using ChatActors.Protocol;

namespace ChatActors.Actors;

/// <summary>
/// One client connection: framing, the join, chat and the leave. Its phases are explicit
/// states; messages that arrive while it waits for the name registry or the stats actor
/// wait in its inbox and are handled in order afterwards. It writes through the
/// <see cref="ConnectionWriter"/> its server gives it; the server closes that writer
/// when the session has stopped.
/// </summary>
public sealed class ClientSession : ReceiveActor, IWithTimers
{
    private const int ReadBufferBytes = 16 * 1024;
    private const string JoinTimerKey = "join";

    private readonly Socket _socket;
    private readonly ConnectionWriter _writer;
    private readonly SessionSettings _settings;
    private readonly IActorRef _names;
    private readonly IActorRef _stats;
    private readonly IActorRef _chatTopic;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly FrameDecoder _decoder;
    private readonly Queue<Frame> _inbox = new();
    private readonly CancellationTokenSource _reading = new();
    private string _name = string.Empty;
    private DateTime _joinedAt;
    private bool _connectionClosed;
    private bool _inChat;

    public ClientSession(Socket socket, ConnectionWriter writer, SessionSettings settings, ChatServices services)
    {
        _socket = socket;
        _writer = writer;
        _settings = settings;
        (_names, _stats, _chatTopic) = services;
        _decoder = new FrameDecoder(settings.MaxMessageBytes);
        AwaitingJoin();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(Socket socket, ConnectionWriter writer, SessionSettings settings, ChatServices services) =>
        Akka.Actor.Props.Create(() => new ClientSession(socket, writer, settings, services));

    protected override void PreStart()
    {
        _writer.TryEnqueue(Wire.Greeting(_settings.ServerName));
        _ = ReadLoopAsync(_socket, Self, _reading.Token);
    }

    protected override void PostStop()
    {
        if (_inChat)
        {
            EndChat(rating: null);
        }

        // The connection itself is closed by the server, once it has counted the client out.
        _reading.Cancel();
    }

    private void AwaitingJoin()
    {
        Receive<BytesReceived>(received =>
        {
            Decode(received);
            HandleJoinAttempts();
        });
        Receive<ConnectionClosed>(_ => Context.Stop(Self));
        Receive<OutboundOverflowed>(_ => Context.Stop(Self));
        Receive<NameClaimed>(late => _names.Tell(new ReleaseName(late.Name)));
        UndoLateJoinRecorded();
    }

    /// <summary>
    /// An answer to a join that already timed out can arrive in any later state; undoing it
    /// keeps the client from being counted online twice.
    /// </summary>
    private void UndoLateJoinRecorded() =>
        Receive<JoinRecorded>(late => _stats.Tell(new RecordLeave(late.User, late.JoinedAt, null)));

    private void ClaimingName()
    {
        ReceiveWhileWaiting();
        Receive<NameClaimed>(claimed =>
        {
            _name = claimed.Name;
            Context.Parent.Tell(new SessionNamed(_name));
            _stats.Tell(new RecordJoin(_name));
            Become(RecordingJoin);
        });
        Receive<NameInUse>(inUse => FailJoin(Wire.NameInUse(inUse.Name)));
        UndoLateJoinRecorded();
    }

    private void RecordingJoin()
    {
        ReceiveWhileWaiting();
        Receive<JoinRecorded>(recorded =>
        {
            Timers.Cancel(JoinTimerKey);
            _joinedAt = recorded.JoinedAt;
            _inChat = true;
            Context.Parent.Tell(new SessionJoined(_name));
            Publish(Wire.EncodeLine(Wire.JoinLine(_name)), ActorRefs.Nobody);
            Become(Chatting);
            HandleChat();
        });
    }

    private void Chatting()
    {
        Receive<BytesReceived>(received =>
        {
            Decode(received);
            HandleChat();
        });
        Receive<ConnectionClosed>(_ => Leave(rating: null));
        Receive<OutboundOverflowed>(_ =>
        {
            _log.Warning("{0} on {1} did not read its messages and was disconnected", _name, _settings.ServerName);
            Leave(rating: null);
        });
        UndoLateJoinRecorded();
    }

    private void ReceiveWhileWaiting()
    {
        Receive<BytesReceived>(Decode);
        Receive<ConnectionClosed>(_ => _connectionClosed = true);
        Receive<OutboundOverflowed>(_ => _connectionClosed = true);
        Receive<JoinTimedOut>(_ =>
        {
            _log.Warning("A join on {0} got no answer within {1}; the client was told to try again", _settings.ServerName, _settings.JoinTimeout);
            if (_name.Length > 0)
            {
                _names.Tell(new ReleaseName(_name));
                Context.Parent.Tell(SessionUnnamed.Instance);
                _name = string.Empty;
            }

            FailJoin(Wire.JoinFailed);
        });
    }

    /// <summary>Tells the client why its join did not go through; it may try again.</summary>
    private void FailJoin(string error)
    {
        Timers.Cancel(JoinTimerKey);
        _writer.TryEnqueue(error);
        if (_connectionClosed)
        {
            Context.Stop(Self);
            return;
        }

        Become(AwaitingJoin);
        HandleJoinAttempts();
    }

    private void Decode(BytesReceived received)
    {
        foreach (var frame in _decoder.Decode(received.Bytes))
        {
            _inbox.Enqueue(frame);
        }
    }

    private void HandleJoinAttempts()
    {
        while (_inbox.TryDequeue(out var frame))
        {
            if (frame is TextFrame text && ChatRules.TryParseJoin(text.Text, out var name))
            {
                _names.Tell(new ClaimName(name));
                Timers.StartSingleTimer(JoinTimerKey, JoinTimedOut.Instance, _settings.JoinTimeout);
                Become(ClaimingName);
                return;
            }

            _writer.TryEnqueue(frame is TooLongFrame ? Wire.LineTooLong : Wire.JoinFirst);
        }
    }

    /// <summary>Broadcasts the chat lines of everything read so far as one block, keeping their order.</summary>
    private void HandleChat()
    {
        var lines = new ArrayBufferWriter<byte>();
        while (_inbox.TryDequeue(out var frame))
        {
            if (frame is TooLongFrame)
            {
                _writer.TryEnqueue(Wire.LineTooLong);
                continue;
            }

            switch (ChatRules.Interpret(((TextFrame)frame).Text, _name))
            {
                case ChatCommand chat:
                    Encoding.UTF8.GetBytes(chat.Line, lines);
                    lines.Write("\n"u8);
                    break;
                case LeaveCommand leave:
                    PublishToEveryone(lines);
                    if (leave.RatingWasInvalid)
                    {
                        _writer.TryEnqueue(Wire.InvalidRating);
                    }

                    Leave(leave.Rating);
                    return;
            }
        }

        PublishToEveryone(lines);
        if (_connectionClosed)
        {
            Leave(rating: null);
        }
    }

    private void PublishToEveryone(ArrayBufferWriter<byte> lines)
    {
        if (lines.WrittenCount > 0)
        {
            Publish(lines.WrittenSpan.ToArray(), ActorRefs.Nobody);
        }
    }

    private void Leave(double? rating)
    {
        EndChat(rating);
        Context.Stop(Self);
    }

    private void EndChat(double? rating)
    {
        _inChat = false;
        Publish(Wire.EncodeLine(Wire.ExitLine(_name)), Self);
        _stats.Tell(new RecordLeave(_name, _joinedAt, rating));
        _names.Tell(new ReleaseName(_name));
    }

    private void Publish(byte[] lines, IActorRef excluded) =>
        _chatTopic.Tell(new Publish(ChatTopic.Name, new ChatLines(lines, excluded)));

    private static async Task ReadLoopAsync(Socket socket, IActorRef session, CancellationToken stopping)
    {
        var buffer = new byte[ReadBufferBytes];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, stopping)) > 0)
            {
                session.Tell(new BytesReceived(buffer.AsSpan(0, read).ToArray()));
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // A reset or a close ends the session just as an orderly end of stream does.
        }

        if (!stopping.IsCancellationRequested)
        {
            session.Tell(ConnectionClosed.Instance);
        }
    }

    private sealed record BytesReceived(byte[] Bytes);

    private sealed record JoinTimedOut
    {
        public static readonly JoinTimedOut Instance = new();
    }

    private sealed record ConnectionClosed
    {
        public static readonly ConnectionClosed Instance = new();
    }
}
