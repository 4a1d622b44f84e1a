using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;

namespace ChatActors.Server;

/// <summary>
/// How a singleton that has just started relearns the servers: it asks every server on the
/// chat topic for its <see cref="ServerStatus"/> and, for the relearn window, holds back the
/// requests that need the answers.
/// </summary>
public static class ServerStatusRequest
{
    public const string WindowTimerKey = "relearn-window";

    public static void Publish(IActorRef chatTopic, IActorRef singleton, ITimerScheduler timers, TimeSpan window)
    {
        chatTopic.Tell(new Publish(ChatTopic.Name, new ReportServerStatus(singleton)));
        timers.StartSingleTimer(WindowTimerKey, RelearnWindowEnded.Instance, window);
    }
}

/// <summary>The relearn window of a singleton is over; what it has heard of the servers is what there is.</summary>
public sealed record RelearnWindowEnded
{
    public static readonly RelearnWindowEnded Instance = new();
}
