using ChatActors.Protocol;

namespace ChatActors.Session;

/// <summary>What the input asks of its session: the timers and the reader it does not own.</summary>
public interface IInputControl
{
    /// <summary>No line may be handled before <paramref name="wait"/> has passed; then the session calls <see cref="ClientInput.LinesDue"/>.</summary>
    void ResumeLinesAfter(TimeSpan wait);

    /// <summary>No read may be taken before <paramref name="wait"/> has passed; then the session calls <see cref="ClientInput.ReadingDue"/>.</summary>
    void ResumeReadingAfter(TimeSpan wait);

    /// <summary>The last read is taken and paid for: the reader may read again.</summary>
    void ReadMore();

    /// <summary>The client has been slowed without a break for the cut-off time: it is flooding.</summary>
    void FloodCutOff();
}

/// <summary>
/// One client's input: the frames it sent (decoded, waiting in order until the session takes
/// them) and its flood control (<see cref="InputLimits"/>). A frame is handed out only when the
/// client's line rate allows, and the reader may read again only once every frame of the last
/// read is taken and its bytes are paid for, so a flood waits in TCP rather than in memory.
/// It runs on <paramref name="clock"/>, so its pacing can be tested without waiting.
/// </summary>
public sealed class ClientInput(int maxMessageBytes, InputLimits limits, TimeProvider clock, IInputControl control)
{
    private readonly FrameDecoder _decoder = new(maxMessageBytes);
    private readonly Queue<Frame> _waiting = new();
    private readonly InputPacer _pacer = new(limits);
    private readonly long _startedAt = clock.GetTimestamp();
    private bool _readerWaiting;
    private bool _readingPaused;
    private bool _linesPaused;

    /// <summary>Frames wait to be taken.</summary>
    public bool HasWaiting => _waiting.Count > 0;

    private TimeSpan Now => clock.GetElapsedTime(_startedAt);

    /// <summary>Takes a read: its frames wait in order, its bytes are charged, and the reader waits for <see cref="ReadMoreWhenDue"/>.</summary>
    public void Take(byte[] read)
    {
        foreach (var frame in _decoder.Decode(read))
        {
            _waiting.Enqueue(frame);
        }

        Charge(read);
    }

    /// <summary>The client closed: a last line sent without its line end still waits to be taken.</summary>
    public void End()
    {
        foreach (var frame in _decoder.Finish())
        {
            _waiting.Enqueue(frame);
        }
    }

    /// <summary>
    /// Takes a read of whole lines as they are, when nothing waits before them, each is already
    /// what everyone gets (<see cref="ChatRules.IsBroadcastAsRead"/>) and the client's line rate
    /// allows all of them now; otherwise nothing happens and the read goes through <see cref="Take"/>.
    /// </summary>
    public bool TryTakeAsRead(byte[] read, ReadOnlySpan<byte> speakerPrefix)
    {
        if (_waiting.Count > 0 || _linesPaused || !_decoder.IsWholeLines(read)
            || !ChatRules.IsBroadcastAsRead(read, speakerPrefix, maxMessageBytes, out var lines)
            || !_pacer.TryMessages(lines, Now))
        {
            return false;
        }

        Charge(read);
        return true;
    }

    /// <summary>
    /// The next frame, if the client's line rate allows one now. Past its burst, each frame
    /// costs a pause until the line bucket refills, so a flood enters the room at the rate.
    /// </summary>
    public bool TryNext(out Frame frame)
    {
        if (_linesPaused || !_waiting.TryDequeue(out frame!))
        {
            frame = null!;
            return false;
        }

        var wait = _pacer.Message(Now);
        if (wait > TimeSpan.Zero)
        {
            _linesPaused = true;
            Slowed();
            control.ResumeLinesAfter(wait);
        }

        return true;
    }

    public void LinesDue() => _linesPaused = false;

    /// <summary>The reader's pause is over; it reads again at the next <see cref="ReadMoreWhenDue"/>.</summary>
    public void ReadingDue() => _readingPaused = false;

    /// <summary>
    /// Lets the reader read again once every frame of the last read is taken and its bytes are
    /// paid for; until then the client's further bytes wait in TCP.
    /// </summary>
    public void ReadMoreWhenDue()
    {
        if (!_readerWaiting || _waiting.Count > 0 || _readingPaused)
        {
            return;
        }

        var wait = _pacer.ReadWait(Now);
        if (wait > TimeSpan.Zero)
        {
            _readingPaused = true;
            Slowed();
            control.ResumeReadingAfter(wait);
            return;
        }

        if (!_linesPaused)
        {
            _pacer.NotSlowed();
        }

        _readerWaiting = false;
        control.ReadMore();
    }

    private void Charge(byte[] read)
    {
        _readerWaiting = true;
        _pacer.Read(read.Length, Now);
    }

    private void Slowed()
    {
        if (_pacer.Slowed(Now))
        {
            control.FloodCutOff();
        }
    }
}
