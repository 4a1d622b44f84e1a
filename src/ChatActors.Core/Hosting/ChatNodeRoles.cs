namespace ChatActors.Hosting;

public static class ChatNodeRoles
{
    /// <summary>Nodes on the machine of storage.db: they hold the singletons that touch it (stats, db-writer).</summary>
    public const string Storage = "storage";
}
