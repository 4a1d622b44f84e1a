using Akka.Actor;
using ChatActors.Serialization;

namespace ChatActors.Live;

/// <summary>
/// What one server shows in the live view, published on the live-view topic whenever it
/// changes (and to <see cref="ShowLiveView.ReplyTo"/> when a view starts).
/// </summary>
/// <param name="Node">The node it runs on, as host:port of Akka.Remote.</param>
/// <param name="Online">Its joined clients.</param>
/// <param name="LastJoined">The client who joined it last; null before the first.</param>
/// <param name="LinesSeen">The chat lines it has had to hand out since it started: every server sees every line of the cluster, so this grows by the cluster's lines (sent at most once a second while they flow).</param>
public sealed record ServerShown(IActorRef Server, string Name, string Node, int Port, int Capacity, int Online, string? LastJoined, long LinesSeen) : IChatMessage;

/// <summary>One line of the live view's rolling log: a join, a leave, a client turned away.</summary>
public sealed record LiveEvent(DateTime At, string Text) : IChatMessage;

/// <summary>Published on the chat topic by a live view that starts: every server answers <see cref="ReplyTo"/> with its <see cref="ServerShown"/>.</summary>
public sealed record ShowLiveView(IActorRef ReplyTo) : IChatMessage;
