using Akka.Actor;

namespace ChatActors.Session;

/// <summary>The session's timers: their keys, what they tell the session, and the input's requests for them.</summary>
public sealed partial class ClientSession
{
    private const string AnswerTimerKey = "answer";
    private const string UnjoinedTimerKey = "unjoined";
    private const string ReadTimerKey = "read";
    private const string LinesTimerKey = "lines";

    void IInputControl.ResumeLinesAfter(TimeSpan wait)
    {
        _metrics.FloodSlowedDown();
        Timers.StartSingleTimer(LinesTimerKey, LinesDue.Instance, wait);
    }

    void IInputControl.ResumeReadingAfter(TimeSpan wait)
    {
        _metrics.FloodSlowedDown();
        Timers.StartSingleTimer(ReadTimerKey, ResumeReading.Instance, wait);
    }

    void IInputControl.ReadMore() => _connection.Reader.ReadMore();

    /// <summary>Told, not handled at once: the input asks in the middle of handling a read.</summary>
    void IInputControl.FloodCutOff() => Self.Tell(FloodCutOff.Instance);

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
}
