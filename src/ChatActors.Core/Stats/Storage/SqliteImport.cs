using ChatActors.Hosting;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ChatActors.Stats.Storage;

/// <summary>
/// Carries a SQLite storage.db over to PostgreSQL once: its <c>server</c> and <c>session</c>
/// rows go into the PostgreSQL tables, and the stats actor takes the newest server row's
/// counters over at its first start there, as it does with a database of the Python version.
/// A database that already holds rows is left alone.
/// </summary>
public static class SqliteImport
{
    private const string ServerColumns = "\"Date\", \"Name\", \"Average_Rating\", \"Today_Count\", \"Monthly_Count\", \"Total_Approaches\", \"Lost_Count\"";
    private const string SessionColumns = "\"Date\", \"User\", \"In_Time\", \"Out_Time\"";

    /// <returns>How many server and session rows were carried over.</returns>
    public static (int Servers, int Sessions) Run(string sqlitePath, PostgresDatabase target)
    {
        if (!File.Exists(sqlitePath))
        {
            throw new ChatStartupException($"import-db {sqlitePath} does not exist");
        }

        var servers = Read(sqlitePath, "SELECT Date, Name, Average_Rating, Today_Count, Monthly_Count, Total_Approaches, Lost_Count FROM server ORDER BY rowid");
        var sessions = Read(sqlitePath, "SELECT Date, User, In_Time, Out_Time FROM session ORDER BY rowid");
        new PostgresChatStore(target).Prepare();
        try
        {
            using var connection = target.Open();
            using var transaction = connection.BeginTransaction();
            PostgresChatStore.Execute(connection, "LOCK TABLE server, session IN EXCLUSIVE MODE");
            if (PostgresChatStore.Query(connection, "SELECT (SELECT COUNT(*) FROM server) + (SELECT COUNT(*) FROM session)") is not [[0L]])
            {
                throw new ChatStartupException($"{target.Name} holds counts already; a storage.db is carried over only into an empty one");
            }

            servers.ForEach(row => Insert(connection, "server", ServerColumns, row));
            sessions.ForEach(row => Insert(connection, "session", SessionColumns, row));
            transaction.Commit();
            return (servers.Count, sessions.Count);
        }
        catch (NpgsqlException ex)
        {
            throw new ChatStartupException($"{target.Name}: {ex.Message}", ex);
        }
    }

    private static List<object?[]> Read(string path, string sql)
    {
        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            connection.Open();
            using var command = new SqliteCommand(sql, connection);
            return DbRows.ReadAll(command);
        }
        catch (SqliteException ex)
        {
            throw new ChatStartupException($"import-db {path}: {ex.Message}", ex);
        }
    }

    private static void Insert(NpgsqlConnection connection, string table, string columns, object?[] row)
    {
        var values = row.Select((value, i) => ($"p{i}", ColumnValue(table, i, value))).ToArray();
        PostgresChatStore.Execute(connection, $"INSERT INTO {table} ({columns}) VALUES ({string.Join(", ", values.Select(value => "@" + value.Item1))})", values);
    }

    /// <summary>SQLite's columns take any type; PostgreSQL's take what the original schema says (server: a rating, then whole counts).</summary>
    private static object ColumnValue(string table, int column, object? value) => (table, column, value) switch
    {
        (_, _, null) => DBNull.Value,
        ("server", 2, _) => Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture),
        ("server", >= 3, _) => Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!,
    };
}
