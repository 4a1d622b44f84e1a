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
/// wait in its inbox and are handled in order afterwards. The client sees its join only
/// once the join is journaled, and its connection closes only once its leave is. It reads
/// its socket only as fast as it handles what it read, within the client's flood control
/// (<see cref="InputLimits"/>), so a flood waits in TCP rather than in memory. It
/// writes through the <see cref="ConnectionWriter"/> its server gives it; the server
/// closes that writer when the session has stopped.
/// </summary>
public sealed class ClientSession : UntypedActor, IWithTimers
{
    private const int ReadBufferBytes = 16 * 1024;
    private const string AnswerTimerKey = "answer";
    private const string UnjoinedTimerKey = "unjoined";
    private const string ReadTimerKey = "read";
    private const string LinesTimerKey = "lines";

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
    private readonly SemaphoreSlim _readCredit = new(0);
    private readonly InputPacer _pacer;
    private bool _readerWaiting;
    private bool _linesPaused;
    private string _name = string.Empty;

    /// <summary><c>NAME : </c> in bytes, which starts every line this client says as itself.</summary>
    private byte[] _speakerPrefix = [];
    private JoinRecorded? _join;
    private bool _connectionClosed;
    private bool _unjoinedTooLong;
    private bool _inChat;

    public ClientSession(Socket socket, ConnectionWriter writer, SessionSettings settings, ChatServices services)
    {
        _socket = socket;
        _writer = writer;
        _settings = settings;
        (_names, _stats, _chatTopic, _) = services;
        _decoder = new FrameDecoder(settings.MaxMessageBytes);
        _pacer = new InputPacer(settings.Input);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(Socket socket, ConnectionWriter writer, SessionSettings settings, ChatServices services) =>
        Akka.Actor.Props.Create(() => new ClientSession(socket, writer, settings, services));

    /// <summary>The first phase; each phase is one method with a switch, not <c>Receive&lt;T&gt;</c> handlers, because thousands of idle sessions would each keep a kilobyte and a half of handler delegates.</summary>
    protected override void OnReceive(object message) => AwaitingJoin(message);

    protected override void PreStart()
    {
        _writer.TryEnqueue(Wire.Greeting(_settings.ServerName));
        Timers.StartSingleTimer(UnjoinedTimerKey, UnjoinedTooLong.Instance, _settings.UnjoinedTimeout);
        _ = ReadLoopAsync(_socket, Self, _readCredit, _reading.Token);
    }

    protected override void PostStop()
    {
        if (_inChat)
        {
            EndChat(rating: null);
        }

        // The connection itself is closed by the server, once it has counted the client out; that
        // ends a read under way, and a reader waiting for credit learns here that it is over.
        _reading.Cancel();
        _readCredit.Release();
    }

    /// <summary>Before the join: only a join is accepted (every other message gets an error line).</summary>
    private void AwaitingJoin(object message)
    {
        switch (message)
        {
            case OutboundOverflowed or EndSession:
                Context.Stop(Self);
                break;
            case NameClaimed late:
                _names.Tell(new ReleaseName(late.Name));
                break;
            case UnjoinedTooLong:
                CloseUnjoined();
                break;
            case FloodCutOff:
                CutOff();
                Context.Stop(Self);
                break;
            default:
                ReceiveReading(message);
                break;
        }
    }

    /// <summary>
    /// The client's bytes and their pacing, alike in the two phases that read: before the join
    /// (its lines are join attempts) and in the chat (they are said). What the client sent before
    /// it closed still counts: a join sent without its line end still joins (and leaves at once),
    /// and a last chat line is still said.
    /// </summary>
    private void ReceiveReading(object message)
    {
        if (message is ResumeReading)
        {
            ReadMoreWhenDue();
            return;
        }

        if (!TakeInput(message))
        {
            Unhandled(message);
            return;
        }

        if (_inChat)
        {
            HandleChat();
        }
        else
        {
            HandleJoinAttempts();
        }
    }

    /// <summary>Idle connections would hold a place that a real client needs.</summary>
    private void CloseUnjoined()
    {
        _writer.TryEnqueue(Wire.NoJoinWithin(_settings.UnjoinedTimeout));
        Context.Stop(Self);
    }

    private void ClaimingName(object message)
    {
        switch (message)
        {
            case NameClaimed claimed:
                _name = claimed.Name;
                _speakerPrefix = Encoding.UTF8.GetBytes(ChatRules.SpeakerPrefix(_name));
                Context.Parent.Tell(new SessionNamed(_name));
                _stats.Tell(new RecordJoin(_name, _settings.Counting.Deadline()));
                // A join the stats actor accepted is journaled or failed within this; the client waits for the outcome.
                Timers.StartSingleTimer(AnswerTimerKey, JoinTimedOut.Instance, _settings.Counting.AnswerWithin);
                Become(RecordingJoin);
                break;
            case NameInUse inUse:
                FailJoin(Wire.NameInUse(inUse.Name));
                break;
            default:
                ReceiveWhileWaiting(message);
                break;
        }
    }

    private void RecordingJoin(object message)
    {
        switch (message)
        {
            case JoinRecorded recorded:
                Timers.Cancel(AnswerTimerKey);
                Timers.Cancel(UnjoinedTimerKey);
                _join = recorded;
                _inChat = true;
                // The client's own join line goes straight to it, before its server adds it to the
                // room: no one else's broadcast can come first. Everyone else gets it as a broadcast.
                var joinLine = Wire.EncodeLine(Wire.JoinLine(_name));
                _writer.TryEnqueue(joinLine);
                Context.Parent.Tell(new SessionJoined(_name));
                Publish(joinLine, Self);
                Become(Chatting);
                HandleChat();
                break;
            case CountRefused:
                JoinFailed();
                break;
            case CountUncertain:
                // Counted or not, nobody can tell: neither the join line nor "join failed" would be
                // true, so the client learns of it as of a server that died, and joins again.
                _log.Warning("The join of {0} on {1} may have been lost with the stats actor's node; the connection closes without an answer", _name, _settings.ServerName);
                ReleaseClaimedName();
                Context.Stop(Self);
                break;
            default:
                ReceiveWhileWaiting(message);
                break;
        }
    }

    private void Chatting(object message)
    {
        switch (message)
        {
            case BytesReceived received when TryBroadcastAsRead(received):
                break;
            case OutboundOverflowed:
                _log.Warning("{0} on {1} did not read its messages and was disconnected", _name, _settings.ServerName);
                Leave(rating: null);
                break;
            case EndSession:
                Leave(rating: null);
                break;
            case FloodCutOff:
                CutOff();
                Leave(rating: null);
                break;
            default:
                ReceiveReading(message);
                break;
        }
    }

    /// <summary>The session has left the chat and waits for its leave to be journaled; then it stops and its connection closes.</summary>
    private void Leaving(object message)
    {
        switch (message)
        {
            case Counted or CountRefused:
                Context.Stop(Self);
                break;
            case LeaveTimedOut:
                _log.Warning("The leave of {0} on {1} was not journaled within {2}", _name, _settings.ServerName, _settings.Counting.AnswerWithin);
                Context.Stop(Self);
                break;
            case BytesReceived or ConnectionClosed or OutboundOverflowed or EndSession or ResumeReading or LinesDue or FloodCutOff:
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    /// <summary>What every phase that waits for the name registry or the stats actor does with the rest.</summary>
    private void ReceiveWhileWaiting(object message)
    {
        switch (message)
        {
            case OutboundOverflowed:
                _connectionClosed = true;
                break;
            case JoinTimedOut:
                _log.Warning("A join on {0} got no answer in time; the client was told to try again", _settings.ServerName);
                JoinFailed();
                break;
            case EndSession:
                // Shutdown while the join is pending: the stats actor may still count it, so the session waits for its answer.
                _connectionClosed = true;
                break;
            case UnjoinedTooLong:
                // A join under way is let finish; if it fails, the connection closes instead of waiting for another.
                _unjoinedTooLong = true;
                break;
            case ResumeReading:
                // The inbox waits for the join's outcome, and the reader for the inbox.
                break;
            case FloodCutOff:
                CutOff();
                _connectionClosed = true;
                break;
            default:
                if (!TakeInput(message))
                {
                    Unhandled(message);
                }

                break;
        }
    }

    /// <summary>
    /// Takes what the client sent into the inbox (its bytes, its close, the end of a pause of
    /// its lines), in every phase that reads; false for any other message.
    /// </summary>
    private bool TakeInput(object message)
    {
        switch (message)
        {
            case BytesReceived received:
                Decode(received);
                return true;
            case ConnectionClosed:
                OnConnectionClosed();
                return true;
            case LinesDue:
                _linesPaused = false;
                return true;
            default:
                return false;
        }
    }

    /// <summary>The join is not counted and never will be: the name goes back and the client may try again.</summary>
    private void JoinFailed()
    {
        ReleaseClaimedName();
        FailJoin(Wire.JoinFailed);
    }

    private void ReleaseClaimedName()
    {
        if (_name.Length > 0)
        {
            _names.Tell(new ReleaseName(_name));
            Context.Parent.Tell(SessionUnnamed.Instance);
            _name = string.Empty;
        }
    }

    /// <summary>Tells the client why its join did not go through; it may try again.</summary>
    private void FailJoin(string error)
    {
        Timers.Cancel(AnswerTimerKey);
        _writer.TryEnqueue(error);
        if (_unjoinedTooLong)
        {
            CloseUnjoined();
            return;
        }

        if (_connectionClosed)
        {
            Context.Stop(Self);
            return;
        }

        Become(AwaitingJoin);
        HandleJoinAttempts();
    }

    private static TimeSpan Now => TimeSpan.FromMilliseconds(Environment.TickCount64);

    /// <summary>Takes a read: its frames wait in the inbox, its bytes are charged, and the reader waits for <see cref="ReadMoreWhenDue"/>.</summary>
    private void Decode(BytesReceived received)
    {
        foreach (var frame in _decoder.Decode(received.Bytes))
        {
            _inbox.Enqueue(frame);
        }

        ChargeRead(received);
    }

    /// <summary>The read's bytes are paid for, and the reader waits for <see cref="ReadMoreWhenDue"/>.</summary>
    private void ChargeRead(BytesReceived received)
    {
        _readerWaiting = true;
        _pacer.Read(received.Bytes.Length, Now);
    }

    /// <summary>The client closed: a last line sent without its line end still waits in the inbox.</summary>
    private void OnConnectionClosed()
    {
        _connectionClosed = true;
        foreach (var frame in _decoder.Finish())
        {
            _inbox.Enqueue(frame);
        }
    }

    /// <summary>
    /// The next frame, if the client's line rate allows one now. Past its burst, each frame
    /// costs a pause until the line bucket refills, so a flood enters the room at the rate.
    /// </summary>
    private bool TryDequeuePaced(out Frame frame)
    {
        if (_linesPaused || !_inbox.TryDequeue(out frame!))
        {
            frame = null!;
            return false;
        }

        var wait = _pacer.Message(Now);
        if (wait > TimeSpan.Zero)
        {
            _linesPaused = true;
            Slowed();
            Timers.StartSingleTimer(LinesTimerKey, LinesDue.Instance, wait);
        }

        return true;
    }

    /// <summary>
    /// Lets the read loop read again once every frame of the last read is handled and its
    /// bytes are paid for; until then the client's further bytes wait in TCP.
    /// </summary>
    private void ReadMoreWhenDue()
    {
        if (!_readerWaiting || _inbox.Count > 0 || Timers.IsTimerActive(ReadTimerKey))
        {
            return;
        }

        var wait = _pacer.ReadWait(Now);
        if (wait > TimeSpan.Zero)
        {
            Slowed();
            Timers.StartSingleTimer(ReadTimerKey, ResumeReading.Instance, wait);
            return;
        }

        if (!_linesPaused)
        {
            _pacer.NotSlowed();
        }

        _readerWaiting = false;
        _readCredit.Release();
    }

    private void Slowed()
    {
        if (_pacer.Slowed(Now))
        {
            Self.Tell(FloodCutOff.Instance);
        }
    }

    private void CutOff()
    {
        _log.Warning("{0} on {1} sent faster than allowed for {2} and was disconnected", _name.Length > 0 ? _name : "A client", _settings.ServerName, _settings.Input.CutOffAfter);
        _writer.TryEnqueue(Wire.Flooding);
    }

    private void HandleJoinAttempts()
    {
        while (TryDequeuePaced(out var frame))
        {
            if (frame is TextFrame text && ChatRules.TryParseJoin(text.Text, out var name))
            {
                _names.Tell(new ClaimName(name));
                Timers.StartSingleTimer(AnswerTimerKey, JoinTimedOut.Instance, _settings.JoinTimeout);
                Become(ClaimingName);
                return;
            }

            _writer.TryEnqueue(frame is TooLongFrame ? Wire.LineTooLong : Wire.JoinFirst);
        }

        if (_connectionClosed && _inbox.Count == 0)
        {
            Context.Stop(Self);
            return;
        }

        ReadMoreWhenDue();
    }

    /// <summary>
    /// The common case of a busy chat, without a string per line: a read of whole lines that are
    /// each already what everyone gets (plain printable ASCII, spoken as this client, see
    /// <see cref="ChatRules.IsBroadcastAsRead"/>) is broadcast as the very bytes read, when
    /// nothing waits before it and the client's line rate allows all of its lines now.
    /// Everything else takes the way through the decoder and <see cref="ChatRules.Interpret"/>.
    /// </summary>
    private bool TryBroadcastAsRead(BytesReceived received)
    {
        if (_inbox.Count > 0 || _linesPaused || !_decoder.IsWholeLines(received.Bytes)
            || !ChatRules.IsBroadcastAsRead(received.Bytes, _speakerPrefix, _settings.MaxMessageBytes, out var lines)
            || !_pacer.TryMessages(lines, Now))
        {
            return false;
        }

        ChargeRead(received);
        Say(received.Bytes);
        ReadMoreWhenDue();
        return true;
    }

    /// <summary>Broadcasts the chat lines of everything read so far as one block, keeping their order.</summary>
    private void HandleChat()
    {
        var lines = new ArrayBufferWriter<byte>();
        while (TryDequeuePaced(out var frame))
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
        if (_connectionClosed && _inbox.Count == 0)
        {
            Leave(rating: null);
            return;
        }

        ReadMoreWhenDue();
    }

    private void PublishToEveryone(ArrayBufferWriter<byte> lines)
    {
        if (lines.WrittenCount > 0)
        {
            Say(lines.WrittenSpan.ToArray());
        }
    }

    /// <summary>
    /// The sender's own lines go straight to its own queue, as its join line does; everyone else
    /// gets them as a broadcast. Through the topic they could come back only after a leave that
    /// follows them in the same read had taken the sender out of its server's room.
    /// </summary>
    private void Say(byte[] lines)
    {
        if (_writer.TryEnqueue(lines) == EnqueueResult.Overflowed)
        {
            Self.Tell(OutboundOverflowed.Instance);
        }

        Publish(lines, Self);
    }

    private void Leave(double? rating)
    {
        EndChat(rating);
        Context.Parent.Tell(SessionLeft.Instance);
        Timers.StartSingleTimer(AnswerTimerKey, LeaveTimedOut.Instance, _settings.Counting.AnswerWithin);
        Become(Leaving);
    }

    private void EndChat(double? rating)
    {
        _inChat = false;
        Publish(Wire.EncodeLine(Wire.ExitLine(_name)), Self);
        _stats.Tell(new RecordLeave(_name, _join!.JoinedAt, _join.SequenceNr, rating, _settings.Counting.Deadline()));
        _names.Tell(new ReleaseName(_name));
    }

    private void Publish(byte[] lines, IActorRef excluded) =>
        _chatTopic.Tell(new Publish(ChatTopic.Name, new ChatLines(lines, excluded)));

    /// <summary>
    /// Reads the next bytes only once the session has taken the last ones (back-pressure through
    /// TCP). No cancellation token is registered with the reads: the socket's close ends them.
    /// </summary>
    private static async Task ReadLoopAsync(Socket socket, IActorRef session, SemaphoreSlim readCredit, CancellationToken stopping)
    {
        try
        {
            while (await ReceiveAsync(socket) is { Length: > 0 } bytes)
            {
                session.Tell(new BytesReceived(bytes));
                await readCredit.WaitAsync();
                if (stopping.IsCancellationRequested)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // A reset or a close ends the session just as an orderly end of stream does.
        }

        if (!stopping.IsCancellationRequested)
        {
            session.Tell(ConnectionClosed.Instance);
        }
    }

    /// <summary>
    /// The next bytes the client sent, empty at the end of the stream. It waits for them with a
    /// zero-byte read and borrows a buffer only to take them, so an idle connection holds none.
    /// </summary>
    private static async Task<byte[]> ReceiveAsync(Socket socket)
    {
        await socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None);
        var buffer = ArrayPool<byte>.Shared.Rent(ReadBufferBytes);
        try
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(0, ReadBufferBytes), SocketFlags.None);
            return buffer.AsSpan(0, read).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private sealed record BytesReceived(byte[] Bytes);

    private sealed record JoinTimedOut
    {
        public static readonly JoinTimedOut Instance = new();
    }

    private sealed record ResumeReading
    {
        public static readonly ResumeReading Instance = new();
    }

    private sealed record LinesDue
    {
        public static readonly LinesDue Instance = new();
    }

    private sealed record FloodCutOff
    {
        public static readonly FloodCutOff Instance = new();
    }

    private sealed record LeaveTimedOut
    {
        public static readonly LeaveTimedOut Instance = new();
    }

    private sealed record UnjoinedTooLong
    {
        public static readonly UnjoinedTooLong Instance = new();
    }

    private sealed record ConnectionClosed
    {
        public static readonly ConnectionClosed Instance = new();
    }
}
