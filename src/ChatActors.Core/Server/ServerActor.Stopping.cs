using Akka.Actor;
using ChatActors.Balancer;
using ChatActors.Net;
using ChatActors.Protocol;
using ChatActors.Session;

namespace ChatActors.Server;

/// <summary>The server's end: stopped outright (its node stops) or drained (its node is taken out gently).</summary>
public sealed partial class ServerActor
{
    private static readonly byte[] GoingDown = Wire.Encode(Wire.GoingDown);

    private void ReceiveStopRequests()
    {
        Receive<StopServing>(_ =>
        {
            StopAccepting();
            foreach (var session in _connections.Keys)
            {
                session.Tell(EndSession.Instance);
            }

            StopWhenNoSessions();
        });
        Receive<DrainServing>(drain =>
        {
            StopAccepting();
            Happened($"{_settings.Name} is draining: its clients are told to connect again");
            var sessions = _connections.Keys.ToList();
            for (var i = 0; i < sessions.Count; i++)
            {
                Timers.StartSingleTimer(sessions[i], new DrainSession(sessions[i]), drain.Window * i / sessions.Count);
            }

            StopWhenNoSessions();
        });
    }

    /// <summary>The balancer stops handing the server out at once, not only once its node has left the cluster.</summary>
    private void StopAccepting()
    {
        _balancer.Tell(WithdrawServer.Instance);
        _accepting.Cancel();
        _listener.Dispose();
        Become(Stopping);
    }

    /// <summary>Broadcasts still reach the clients that have not left yet; the server stops after its last session.</summary>
    private void Stopping()
    {
        Receive<ChatLines>(FanOut);
        Receive<SessionLeft>(_ => RemoveMember(Sender));
        Receive<SessionNamed>(named => _names[Sender] = named.Name);
        Receive<SessionUnnamed>(_ => _names.Remove(Sender));
        Receive<SessionJoined>(_ => Sender.Tell(EndSession.Instance));
        Receive<DrainSession>(drain =>
        {
            if (_connections.TryGetValue(drain.Session, out var connection))
            {
                connection.Send(GoingDown);
                drain.Session.Tell(EndSession.Instance);
            }
        });
        Receive<SessionStopped>(stopped =>
        {
            Remove(stopped.Session);
            StopWhenNoSessions();
        });
        Receive<ConnectionAccepted>(accepted => accepted.Socket.Dispose());
        Receive<ConnectionAdmitted>(admitted =>
        {
            admitted.Socket.Dispose();
            _gate.Tell(new GatedConnectionClosed(admitted.Address));
        });
    }

    private void StopWhenNoSessions()
    {
        if (_connections.Count == 0)
        {
            Context.Stop(Self);
        }
    }

    /// <summary>One client of a drained server is told and let go now.</summary>
    private sealed record DrainSession(IActorRef Session);
}
