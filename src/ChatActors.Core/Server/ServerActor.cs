using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using ChatActors.Balancer;
using ChatActors.Live;
using ChatActors.Net;
using ChatActors.Protocol;
using ChatActors.Session;
using ChatActors.Stats;

namespace ChatActors.Server;

/// <summary>
/// One chat server: owns its listener, its <see cref="ClientSession"/> children and the
/// fan-out of every broadcast to its joined clients. It subscribes to the chat topic
/// before it accepts anyone, so no joined client can miss a line, and tells the
/// singletons (balancer, name registry, stats) what it holds whenever one of them asks.
/// A connection from an address that the limits per address apply to is admitted only once
/// the node's <see cref="ConnectionGate"/> lets it in.
/// On <see cref="StopServing"/> or <see cref="DrainServing"/> it ends its sessions and stops after the last one.
/// </summary>
public sealed partial class ServerActor : ReceiveActor, IWithStash, IWithTimers
{
    private static readonly TimeSpan LinesShownEvery = TimeSpan.FromSeconds(1);

    private readonly ServerSettings _settings;
    private readonly Socket _listener;
    private readonly IActorRef _balancer;
    private readonly IActorRef _gate;
    private readonly ChatServices _services;

    /// <summary>A node's configuration (base.conf) gives sessions the mailbox that holds no queue while idle; a bare test system has none.</summary>
    private readonly Deploy _sessionDeploy = Context.System.Settings.Config.HasPath(SessionMailbox.ConfigPath)
        ? Deploy.None.WithMailbox(SessionMailbox.ConfigPath)
        : Deploy.None;

    /// <summary>The node it runs on, as the live view names it (host:port of Akka.Remote).</summary>
    private readonly string _node;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly CancellationTokenSource _accepting = new();
    private readonly Dictionary<IActorRef, ClientConnection> _connections = new();
    private readonly Dictionary<IActorRef, Member> _members = new();
    private readonly Dictionary<IActorRef, string> _names = new();
    private readonly Dictionary<IActorRef, IPAddress> _gatedAddresses = new();
    private long _sessionsStarted;
    private long _onlineVersion;
    private string? _lastJoined;
    private long _linesSeen;

    public ServerActor(ServerSettings settings, Socket listener, IActorRef balancer, IActorRef gate, ChatServices services)
    {
        _settings = settings;
        _listener = listener;
        Port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        _balancer = balancer;
        _gate = gate;
        _services = services;
        _node = ((ExtendedActorSystem)Context.System).Provider.DefaultAddress is { Host: { } host, Port: { } port } ? $"{host}:{port}" : "this node";

        Receive<SubscribeAck>(_ => StartServing());
        Receive<AwaitServing>(_ => Stash.Stash());
    }

    public IStash Stash { get; set; } = null!;

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="listener">A bound socket, not listening yet; the actor owns it from now on.</param>
    /// <param name="gate">The node's <see cref="ConnectionGate"/>.</param>
    public static Props Props(ServerSettings settings, Socket listener, IActorRef balancer, IActorRef gate, ChatServices services) =>
        Akka.Actor.Props.Create(() => new ServerActor(settings, listener, balancer, gate, services));

    /// <summary>Known after the listener closes, too (a stopping server still reports its figures).</summary>
    private int Port { get; }

    protected override SupervisorStrategy SupervisorStrategy() => SessionSupervision.Instance;

    protected override void PreStart() => _services.ChatTopic.Tell(new Subscribe(ChatTopic.Name, Self));

    protected override void PostStop()
    {
        foreach (var connection in _connections.Values)
        {
            connection.Close(_settings.Session.CloseDrainTimeout);
        }

        _accepting.Cancel();
        _listener.Dispose();
        _services.ChatTopic.Tell(new Unsubscribe(ChatTopic.Name, Self));
    }

    /// <summary>
    /// The port was bound at start, so that a port in use fails the start at once; it listens
    /// only now, subscribed and about to register, so that a client that connects is greeted at
    /// once rather than waiting in the queue of a server not yet serving.
    /// </summary>
    private void StartServing()
    {
        try
        {
            _listener.Listen();
        }
        catch (SocketException ex)
        {
            var failure = new Status.Failure(new InvalidOperationException($"{_settings.Name} cannot listen on port {Port}: {ex.Message}", ex));
            Become(() => Receive<AwaitServing>(_ => Sender.Tell(failure)));
            Stash.UnstashAll();
            return;
        }

        _balancer.Tell(Registration);
        LiveViewTopic.Publish(_services.LiveFeed, Shown);
        _ = AcceptLoop.RunAsync(_listener, Self, _accepting.Token);
        _log.Debug("{0} listening on port {1}", _settings.Name, Port);
        Become(Serving);
        Stash.UnstashAll();
    }

    private RegisterServer Registration => new(_settings.Index, _settings.Name, _settings.AdvertisedHost, Port, _settings.Capacity, Self);

    private void Serving()
    {
        Receive<ChatLines>(FanOut);
        Receive<ShowLines>(_ => LiveViewTopic.Publish(_services.LiveFeed, Shown));
        Receive<TopicProbe>(_ => { });
        Receive<AwaitServing>(_ => Sender.Tell(new ServerServing(_settings.Name, Port)));
        Receive<ConnectionAccepted>(accepted =>
        {
            if (_settings.AddressLimits.LimitedAddress(accepted.Socket.RemoteEndPoint) is { } address)
            {
                _gate.Tell(new AdmitConnection(accepted.Socket, address));
            }
            else
            {
                Admit(accepted.Socket, null);
            }
        });
        Receive<ConnectionAdmitted>(admitted => Admit(admitted.Socket, admitted.Address));
        Receive<SessionNamed>(named => _names[Sender] = named.Name);
        Receive<SessionUnnamed>(_ => _names.Remove(Sender));
        Receive<SessionJoined>(joined =>
        {
            _members[Sender] = new Member(joined.Name, _connections[Sender].Writer);
            _lastJoined = joined.Name;
            _services.Metrics.OnlineChanged(_settings.Name, 1);
            _log.Info("{0} joined {1}", joined.Name, _settings.Name);
            Happened($"{joined.Name} joined {_settings.Name}");
            ReportOnline();
        });
        Receive<ShowLiveView>(show => show.ReplyTo.Tell(Shown));
        Receive<SessionLeft>(_ => RemoveMember(Sender));
        Receive<ReportServerStatus>(report => report.ReplyTo.Tell(new ServerStatus(
            Registration,
            _connections.Count,
            _names.Select(pair => new HeldName(pair.Value, pair.Key)).ToList(),
            Online)));
        Receive<SessionStopped>(stopped => Remove(stopped.Session));
        Receive<AcceptFailed>(failed => throw new InvalidOperationException($"{_settings.Name} cannot accept connections", failed.Cause));
        ReceiveStopRequests();
    }

    private void FanOut(ChatLines lines)
    {
        var delivered = 0;
        foreach (var (session, member) in _members)
        {
            if (session.Equals(lines.Excluded))
            {
                continue;
            }

            delivered++;
            if (member.Writer.TryEnqueue(lines.Bytes) == EnqueueResult.Overflowed)
            {
                session.Tell(OutboundOverflowed.Instance);
            }
        }

        var count = lines.Bytes.AsSpan().Count((byte)'\n');
        _services.Metrics.Sent(delivered * count, delivered * lines.Bytes.Length);
        _linesSeen += count;
        if (!Timers.IsTimerActive(ShowLines.Instance))
        {
            Timers.StartSingleTimer(ShowLines.Instance, ShowLines.Instance, LinesShownEvery);
        }
    }

    /// <param name="gatedAddress">The address the gate counts this connection against, if it does.</param>
    private void Admit(Socket socket, IPAddress? gatedAddress)
    {
        var connection = new ClientConnection(socket, _settings.Outbound);
        if (_connections.Count >= _settings.Capacity)
        {
            _log.Info("{0} is full: turned away {1}", _settings.Name, socket.RemoteEndPoint);
            Happened($"a client was turned away: {_settings.Name} is full");
            _ = TurnAwayAsync(connection, _services, _settings.Session);
            if (gatedAddress is not null)
            {
                _gate.Tell(new GatedConnectionClosed(gatedAddress));
            }

            return;
        }

        var session = Context.ActorOf(SessionProps(connection), $"session-{++_sessionsStarted}");
        _connections[session] = connection;
        if (gatedAddress is not null)
        {
            _gatedAddresses[session] = gatedAddress;
        }

        ReportLoad();
    }

    private Props SessionProps(ClientConnection connection) => ClientSession.Props(connection, _settings.Session, _services, _sessionDeploy);

    /// <summary>The client sees <c>Server busy</c> only once it is counted lost; uncounted, the connection just closes.</summary>
    private static async Task TurnAwayAsync(ClientConnection connection, ChatServices services, SessionSettings settings)
    {
        if (await settings.Counting.IsCountedAsync(services.Stats, deadline => new CountLostClient(deadline)))
        {
            services.Metrics.TurnedAway("server_full");
            connection.Send(Wire.ServerBusy);
        }

        connection.Close(settings.CloseDrainTimeout);
    }

    private void RemoveMember(IActorRef session)
    {
        if (_members.Remove(session, out var member))
        {
            _services.Metrics.OnlineChanged(_settings.Name, -1);
            _log.Info("{0} left {1}", member.Name, _settings.Name);
            Happened($"{member.Name} left {_settings.Name}");
            ReportOnline();
        }
    }

    private void Remove(IActorRef session)
    {
        _names.Remove(session);
        RemoveMember(session);

        // Count the client out before its connection closes, so that a client that sees the
        // close and asks the balancer again finds the balancer already knowing of the free place.
        if (_connections.Remove(session, out var connection))
        {
            ReportLoad();
            connection.Close(_settings.Session.CloseDrainTimeout);
        }

        if (_gatedAddresses.Remove(session, out var address))
        {
            _gate.Tell(new GatedConnectionClosed(address));
        }
    }

    private void ReportLoad() => _balancer.Tell(new ServerLoad(_settings.Index, _connections.Count));

    private ServerOnline Online => new(Self, _members.Count, _onlineVersion);

    private void ReportOnline()
    {
        _onlineVersion++;
        _services.Stats.Tell(Online);
        LiveViewTopic.Publish(_services.LiveFeed, Shown);
    }

    /// <summary>This server as the live view shows it.</summary>
    private ServerShown Shown => new(Self, _settings.Name, _node, Port, _settings.Capacity, _members.Count, _lastJoined, _linesSeen);

    private void Happened(string text) => LiveViewTopic.Publish(_services.LiveFeed, new LiveEvent(DateTime.Now, text));

    private sealed record Member(string Name, ConnectionWriter Writer);

    private sealed record ShowLines
    {
        public static readonly ShowLines Instance = new();
    }
}
