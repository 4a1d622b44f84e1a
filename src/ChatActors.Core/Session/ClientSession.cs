using System.Diagnostics;
using System.Text;
using Akka.Actor;
using Akka.Event;
using ChatActors.Admin;
using ChatActors.Names;
using ChatActors.Net;
using ChatActors.Protocol;
using ChatActors.Server;
using ChatActors.Stats;

namespace ChatActors.Session;

/// <summary>
/// One client connection: the join, chat and the leave. Its phases are explicit states;
/// messages that arrive while it waits for the name registry or the stats actor wait in its
/// <see cref="ClientInput"/> and are handled in order afterwards. The client sees its join
/// only once the join is journaled, and its connection closes only once its leave is. It reads
/// through its <see cref="ClientConnection"/> only as fast as it handles what it read, within the
/// client's flood control, and writes through the same connection; the server closes the
/// connection when the session has stopped.
/// </summary>
public sealed partial class ClientSession : UntypedActor, IWithTimers, IInputControl
{
    private readonly ClientConnection _connection;
    private readonly SessionSettings _settings;
    private readonly IActorRef _names;
    private readonly IActorRef _stats;
    private ILoggingAdapter? _log;
    private readonly ClientInput _input;
    private readonly SessionVoice _voice;
    private readonly ChatMetrics _metrics;
    private string _name = string.Empty;

    /// <summary>When the join under way was read (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    private long _joinReadAt;

    /// <summary>The rating of the leave being journaled.</summary>
    private double? _leaveRating;

    /// <summary><c>NAME : </c> in bytes, which starts every line this client says as itself.</summary>
    private byte[] _speakerPrefix = [];

    /// <summary>The join this client is in the chat with; null before the join and once it has left.</summary>
    private JoinRecorded? _join;

    /// <summary>The session ends once what it waits for is done: its client closed, overflowed, flooded, or its server stops.</summary>
    private bool _closeWhenDone;
    private bool _unjoinedTooLong;

    public ClientSession(ClientConnection connection, SessionSettings settings, ChatServices services)
    {
        _connection = connection;
        _settings = settings;
        (_names, _stats, var chatTopic, _, var clock, _metrics) = services;
        _input = new ClientInput(settings.MaxMessageBytes, settings.Input, clock, this);
        _voice = new SessionVoice(connection, chatTopic, Self, _metrics);
        _phase = AwaitingJoin;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Made when first needed: most sessions never log, and each logger is one more object per idle client.</summary>
    private ILoggingAdapter Log => _log ??= Context.GetLogger();

    /// <param name="deploy">One for all the sessions of a server: a deploy of their own (as <c>WithMailbox</c> makes) would be one more object per idle client.</param>
    public static Props Props(ClientConnection connection, SessionSettings settings, ChatServices services, Deploy deploy) =>
        new(deploy, typeof(ClientSession), connection, settings, services);

    /// <summary>
    /// The phase the session is in. Each phase is one method with a switch, not
    /// <c>Receive&lt;T&gt;</c> handlers, because thousands of idle sessions would each keep a
    /// kilobyte and a half of handler delegates; and the session moves between them itself, not
    /// with <c>Become</c>, because Akka keeps a behaviour stack, two dictionaries and a set
    /// (about 400 bytes) for every actor that has called it (docs/BENCHMARKS.md, idle memory).
    /// </summary>
    private UntypedReceive _phase;

    protected override void OnReceive(object message) => _phase(message);

    private void SwitchTo(UntypedReceive phase) => _phase = phase;

    protected override void PreStart()
    {
        _connection.Send(Wire.Greeting(_settings.ServerName));
        Timers.StartSingleTimer(UnjoinedTimerKey, UnjoinedTooLong.Instance, _settings.UnjoinedTimeout);
        _connection.Reader.Start(Self);
    }

    protected override void PostStop()
    {
        if (_join is not null)
        {
            EndChat(rating: null);
        }

        // The connection itself is closed by the server, once it has counted the client out; that
        // ends a read under way, which then tells this stopped session nothing.
        _connection.Reader.Stop();
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
                if (TakeInput(message))
                {
                    HandleJoinAttempts();
                }

                break;
        }
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
                SwitchTo(RecordingJoin);
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
                _metrics.JoinCounted(_joinReadAt);
                Timers.Cancel(AnswerTimerKey);
                Timers.Cancel(UnjoinedTimerKey);
                _join = recorded;
                // The client's own join line goes straight to it, before its server adds it to the
                // room: no one else's broadcast can come first. Everyone else gets it as a broadcast.
                var joinLine = Wire.EncodeLine(Wire.JoinLine(_name));
                _connection.Send(joinLine);
                Context.Parent.Tell(new SessionJoined(_name));
                _voice.Announce(joinLine);
                SwitchTo(Chatting);
                HandleChat();
                break;
            case CountRefused:
                JoinFailed();
                break;
            case CountUncertain:
                // Counted or not, nobody can tell: neither the join line nor "join failed" would be
                // true, so the client learns of it as of a server that died, and joins again.
                Log.Warning("The join of {0} on {1} may have been lost with the stats actor's node; the connection closes without an answer", _name, _settings.ServerName);
                ReleaseClaimedName();
                Context.Stop(Self);
                break;
            default:
                ReceiveWhileWaiting(message);
                break;
        }
    }

    /// <summary>What every phase that waits for the name registry or the stats actor does with the rest: the client's input waits.</summary>
    private void ReceiveWhileWaiting(object message)
    {
        switch (message)
        {
            case JoinTimedOut:
                Log.Warning("A join on {0} got no answer in time; the client was told to try again", _settings.ServerName);
                JoinFailed();
                break;
            case OutboundOverflowed:
            case EndSession:
                // Shutdown while the join is pending: the stats actor may still count it, so the session waits for its answer.
                _closeWhenDone = true;
                break;
            case UnjoinedTooLong:
                // A join under way is let finish; if it fails, the connection closes instead of waiting for another.
                _unjoinedTooLong = true;
                break;
            case ResumeReading:
                // The input waits for the join's outcome, and the reader for the input.
                _input.ReadingDue();
                break;
            case FloodCutOff:
                CutOff();
                _closeWhenDone = true;
                break;
            default:
                TakeInput(message, handleNow: false);
                break;
        }
    }

    /// <summary>
    /// Takes what the client sent into the input (its bytes, its close, the end of a pause), in
    /// every phase that reads; true when the phase should handle what waits now. What the client
    /// sent before it closed still counts: a join sent without its line end still joins (and
    /// leaves at once), and a last chat line is still said.
    /// </summary>
    private bool TakeInput(object message, bool handleNow = true)
    {
        switch (message)
        {
            case BytesReceived received:
                _input.Take(received.Bytes);
                return handleNow;
            case ConnectionClosed:
                _closeWhenDone = true;
                _input.End();
                return handleNow;
            case LinesDue:
                _input.LinesDue();
                return handleNow;
            case ResumeReading:
                _input.ReadingDue();
                _input.ReadMoreWhenDue();
                return false;
            default:
                Unhandled(message);
                return false;
        }
    }

    /// <summary>Idle connections would hold a place that a real client needs.</summary>
    private void CloseUnjoined()
    {
        _connection.Send(Wire.NoJoinWithin(_settings.UnjoinedTimeout));
        Context.Stop(Self);
    }
}
