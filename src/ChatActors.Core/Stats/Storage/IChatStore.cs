namespace ChatActors.Stats.Storage;

/// <summary>
/// Where the original <c>server</c> and <c>session</c> tables live, with the offset of the
/// projection that keeps them in step with the stats journal. Calls block, so actors run them
/// off their own thread.
/// </summary>
public interface IChatStore
{
    /// <summary>What the log calls it: a file's path, or a PostgreSQL database without its password.</summary>
    string Name { get; }

    /// <summary>
    /// Creates the tables with the original columns where they are missing, refuses tables with
    /// other columns, and returns the newest <c>server</c> row's counters (a database written
    /// before the journal existed), or null when there is none.
    /// </summary>
    StatsState? Prepare();

    /// <summary>The last stats event written to the tables (0: none).</summary>
    long ReadOffset();

    /// <summary>Writes session changes, the server row and the projection offset in one transaction.</summary>
    void Write(IReadOnlyList<SessionChange> sessions, ServerRow? server);
}

/// <summary>storage.db, a SQLite file (<see cref="StorageDatabase"/>).</summary>
public sealed class SqliteChatStore(StorageFile file) : IChatStore
{
    public string Name => file.Path;

    public StatsState? Prepare() => StorageDatabase.Prepare(file);

    public long ReadOffset() => StorageDatabase.ReadOffset(file);

    public void Write(IReadOnlyList<SessionChange> sessions, ServerRow? server) => StorageDatabase.Write(file, sessions, server);
}
