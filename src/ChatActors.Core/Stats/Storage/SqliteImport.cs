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
            Execute(connection, "LOCK TABLE server, session IN EXCLUSIVE MODE");
            if (Count(connection, "server") + Count(connection, "session") > 0)
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
            using var reader = command.ExecuteReader();
            var rows = new List<object?[]>();
            while (reader.Read())
            {
                rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? null : reader.GetValue(i)).ToArray());
            }

            return rows;
        }
        catch (SqliteException ex)
        {
            throw new ChatStartupException($"import-db {path}: {ex.Message}", ex);
        }
    }

    private static long Count(NpgsqlConnection connection, string table)
    {
        using var command = new NpgsqlCommand($"SELECT COUNT(*) FROM {table}", connection);
        return (long)command.ExecuteScalar()!;
    }

    private static void Insert(NpgsqlConnection connection, string table, string columns, object?[] row)
    {
        var names = Enumerable.Range(0, row.Length).Select(i => $"@p{i}").ToList();
        using var command = new NpgsqlCommand($"INSERT INTO {table} ({columns}) VALUES ({string.Join(", ", names)})", connection);
        for (var i = 0; i < row.Length; i++)
        {
            // SQLite's columns take any type; PostgreSQL's take what the original schema says.
            command.Parameters.AddWithValue(names[i], row[i] switch
            {
                null => DBNull.Value,
                double value when table == "server" && i == 2 => value,
                long value when table == "server" && i == 2 => (double)value,
                var value when table == "server" && i >= 3 => Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture),
                var value => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!,
            });
        }

        command.ExecuteNonQuery();
    }

    private static void Execute(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
