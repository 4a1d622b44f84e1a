using Microsoft.Data.Sqlite;

namespace ChatActors.Stats.Storage;

/// <summary>A SQLite file ChatActors writes: storage.db, or the journal's own file.</summary>
/// <param name="BusyTimeout">
/// How long one statement waits for a lock another connection holds (Microsoft.Data.Sqlite
/// retries a busy database until then) before it fails; the writers then retry it themselves.
/// </param>
public sealed record StorageFile(string Path, TimeSpan BusyTimeout)
{
    public string ConnectionString => Build(pooling: false);

    /// <summary>For the journal, which opens a connection for every write: a pooled one saves opening the file each time.</summary>
    public string PooledConnectionString => Build(pooling: true);

    private string Build(bool pooling) => new SqliteConnectionStringBuilder
    {
        DataSource = Path,
        DefaultTimeout = Math.Max(1, (int)Math.Ceiling(BusyTimeout.TotalSeconds)),
        Pooling = pooling,
    }.ToString();
}
