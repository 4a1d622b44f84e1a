using System.Diagnostics;
using Akka.Actor;
using ChatActors.Names;
using ChatActors.Protocol;
using ChatActors.Server;

namespace ChatActors.Session;

/// <summary>How a join that did not go through ends, and how the next attempt is read.</summary>
public sealed partial class ClientSession
{
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
        _connection.Send(error);
        if (_unjoinedTooLong)
        {
            CloseUnjoined();
            return;
        }

        if (_closeWhenDone)
        {
            Context.Stop(Self);
            return;
        }

        SwitchTo(AwaitingJoin);
        HandleJoinAttempts();
    }

    private void HandleJoinAttempts()
    {
        while (_input.TryNext(out var frame))
        {
            if (frame is TextFrame text && ChatRules.TryParseJoin(text.Text, out var name))
            {
                _joinReadAt = Stopwatch.GetTimestamp();
                _names.Tell(new ClaimName(name));
                Timers.StartSingleTimer(AnswerTimerKey, JoinTimedOut.Instance, _settings.JoinTimeout);
                SwitchTo(ClaimingName);
                return;
            }

            _connection.Send(frame is TooLongFrame ? Wire.LineTooLong : Wire.JoinFirst);
        }

        if (_closeWhenDone && !_input.HasWaiting)
        {
            Context.Stop(Self);
            return;
        }

        _input.ReadMoreWhenDue();
    }
}
