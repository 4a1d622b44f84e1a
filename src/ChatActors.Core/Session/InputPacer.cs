namespace ChatActors.Session;

/// <summary>
/// One client's flood control (<see cref="InputLimits"/>): when its next read and its next
/// message are due, and whether it has been slowed for so long without a break that it is
/// flooding. Times are on any steady clock; only differences matter.
/// </summary>
public sealed class InputPacer(InputLimits limits)
{
    private readonly TokenBucket _lines = limits.LineBucket();
    private readonly TokenBucket _bytes = limits.ByteBucket();
    private TimeSpan _nextReadAt;
    private TimeSpan? _slowedSince;
    private bool _flooding;

    /// <summary>Charges a read's bytes; a read beyond the byte burst puts the next one off.</summary>
    public void Read(int bytes, TimeSpan now) => _nextReadAt = now + _bytes.Take(bytes, now);

    /// <summary>How long until the next read is due (zero: now).</summary>
    public TimeSpan ReadWait(TimeSpan now) => _nextReadAt > now ? _nextReadAt - now : TimeSpan.Zero;

    /// <summary>Charges one message; how long until the next one may be handled (zero: at once).</summary>
    public TimeSpan Message(TimeSpan now) => _lines.Take(1, now);

    /// <summary>Charges <paramref name="count"/> messages only if the client may send them all now (never into debt).</summary>
    public bool TryMessages(int count, TimeSpan now) => _lines.TryTake(count, now);

    /// <summary>The client had to wait; true once, when it has waited without a break for the cut-off time.</summary>
    public bool Slowed(TimeSpan now)
    {
        _slowedSince ??= now;
        if (_flooding || now - _slowedSince.Value < limits.CutOffAfter)
        {
            return false;
        }

        _flooding = true;
        return true;
    }

    /// <summary>The client was served without waiting: a break in any flood.</summary>
    public void NotSlowed() => _slowedSince = null;
}
