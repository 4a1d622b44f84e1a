using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;

namespace ChatActors.Live;

/// <summary>The DistributedPubSub topic that feeds the live views: servers' and the stats actor's news.</summary>
public static class LiveViewTopic
{
    public const string Name = "live-view";

    /// <param name="feed">The mediator (<see cref="ChatServices.LiveFeed"/>); <see cref="ActorRefs.Nobody"/> where no view is fed.</param>
    public static void Publish(IActorRef feed, object news) => feed.Tell(new Publish(Name, news));
}
