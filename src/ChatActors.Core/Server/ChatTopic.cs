namespace ChatActors.Server;

/// <summary>The DistributedPubSub topic that carries every broadcast to every server in the cluster.</summary>
public static class ChatTopic
{
    public const string Name = "chat";
}
