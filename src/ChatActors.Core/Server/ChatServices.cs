using Akka.Actor;
using ChatActors.Admin;

namespace ChatActors.Server;

/// <summary>The shared actors every server and session talks to.</summary>
/// <param name="Names">The <see cref="NameRegistry"/>.</param>
/// <param name="Stats">The <see cref="StatsActor"/> (or its supervisor).</param>
/// <param name="ChatTopic">The DistributedPubSub mediator that carries the chat topic (a probe in unit specs).</param>
/// <param name="LiveFeed">The mediator again, for the live-view topic (<see cref="LiveViewTopic"/>); <see cref="ActorRefs.Nobody"/> where nobody watches.</param>
/// <param name="Clock">The clock of the sessions' flood control (a fake one in specs).</param>
/// <param name="Metrics">The node's instruments (/metrics).</param>
public sealed record ChatServices(IActorRef Names, IActorRef Stats, IActorRef ChatTopic, IActorRef LiveFeed, TimeProvider Clock, ChatMetrics Metrics);
