using Akka.Actor;
using Akka.Event;
using ChatActors.Net;
using ChatActors.Names;
using ChatActors.Protocol;
using ChatActors.Server;
using ChatActors.Stats;

namespace ChatActors.Session;

/// <summary>The session's phases after the join: in the chat, then leaving it.</summary>
public sealed partial class ClientSession
{
    private void Chatting(object message)
    {
        switch (message)
        {
            case BytesReceived received when _input.TryTakeAsRead(received.Bytes, _speakerPrefix):
                _voice.Say(received.Bytes);
                _input.ReadMoreWhenDue();
                break;
            case OutboundOverflowed:
            case ConnectionClosed when _connection.Writer.Overflowed:
                Log.Warning("{0} on {1} did not read its messages and was disconnected", _name, _settings.ServerName);
                _metrics.ReaderCutOff();
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
                if (TakeInput(message))
                {
                    HandleChat();
                }

                break;
        }
    }

    /// <summary>The session has left the chat and waits for its leave to be journaled; then it stops and its connection closes.</summary>
    private void Leaving(object message)
    {
        switch (message)
        {
            case Counted:
                _metrics.LeaveCounted(_leaveRating);
                Context.Stop(Self);
                break;
            case CountRefused:
                Context.Stop(Self);
                break;
            case LeaveTimedOut:
                Log.Warning("The leave of {0} on {1} was not journaled within {2}", _name, _settings.ServerName, _settings.Counting.AnswerWithin);
                Context.Stop(Self);
                break;
            case BytesReceived or ConnectionClosed or OutboundOverflowed or EndSession or ResumeReading or LinesDue or FloodCutOff:
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void CutOff()
    {
        Log.Warning("{0} on {1} sent faster than allowed for {2} and was disconnected", _name.Length > 0 ? _name : "A client", _settings.ServerName, _settings.Input.CutOffAfter);
        _connection.Send(Wire.Flooding);
    }

    /// <summary>Says what the client sent so far, in order; it may end with a leave.</summary>
    private void HandleChat()
    {
        if (_voice.SayWaiting(_input, _name) is { } leave)
        {
            if (leave.RatingWasInvalid)
            {
                _connection.Send(Wire.InvalidRating);
            }

            Leave(leave.Rating);
            return;
        }

        if (_closeWhenDone && !_input.HasWaiting)
        {
            Leave(rating: null);
            return;
        }

        _input.ReadMoreWhenDue();
    }

    private void Leave(double? rating)
    {
        _leaveRating = rating;
        EndChat(rating);
        Context.Parent.Tell(SessionLeft.Instance);
        Timers.StartSingleTimer(AnswerTimerKey, LeaveTimedOut.Instance, _settings.Counting.AnswerWithin);
        SwitchTo(Leaving);
    }

    private void EndChat(double? rating)
    {
        var join = _join!;
        _join = null;
        _voice.Announce(Wire.EncodeLine(Wire.ExitLine(_name)));
        _stats.Tell(new RecordLeave(_name, join.JoinedAt, join.SequenceNr, rating, _settings.Counting.Deadline()));
        _names.Tell(new ReleaseName(_name));
    }
}
