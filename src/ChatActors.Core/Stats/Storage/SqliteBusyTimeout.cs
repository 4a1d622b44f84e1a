using System.Data.Common;
using LinqToDB.Interceptors;

namespace ChatActors.Stats.Storage;

/// <summary>
/// Lets SQLite itself wait for a lock another connection holds, retrying within a few
/// milliseconds. Left to Microsoft.Data.Sqlite, a busy statement sleeps 150 ms before each
/// retry, and every count waiting on the journal would wait that long for a lock the
/// storage.db writer holds for a millisecond.
/// </summary>
public sealed class SqliteBusyTimeout(TimeSpan timeout) : IConnectionInterceptor
{
    public static void Apply(DbConnection connection, TimeSpan timeout)
    {
        using var command = Pragma(connection, timeout);
        command.ExecuteNonQuery();
    }

    public void ConnectionOpening(ConnectionEventData eventData, DbConnection connection)
    {
    }

    public Task ConnectionOpeningAsync(ConnectionEventData eventData, DbConnection connection, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    public void ConnectionOpened(ConnectionEventData eventData, DbConnection connection) => Apply(connection, timeout);

    public async Task ConnectionOpenedAsync(ConnectionEventData eventData, DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = Pragma(connection, timeout);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static DbCommand Pragma(DbConnection connection, TimeSpan timeout)
    {
        var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout = {(long)timeout.TotalMilliseconds}";
        return command;
    }
}
