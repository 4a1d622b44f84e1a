using Microsoft.Data.Sqlite;

namespace ChatActors.Storage;

/// <summary>A SQLite file ChatActors writes: storage.db, or the journal's own file.</summary>
/// <param name="BusyTimeout">
/// How long one statement waits for a lock another connection holds (Microsoft.Data.Sqlite
/// retries a busy database until then) before it fails; the writers then retry it themselves.
/// </param>
public sealed record StorageFile(string Path, TimeSpan BusyTimeout)
{
    public string ConnectionString => new SqliteConnectionStringBuilder
    {
        DataSource = Path,
        DefaultTimeout = Math.Max(1, (int)Math.Ceiling(BusyTimeout.TotalSeconds)),
        Pooling = false,
    }.ToString();
}
