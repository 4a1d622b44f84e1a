using ChatActors.Hosting;
using Npgsql;

namespace ChatActors.Stats.Storage;

/// <summary>
/// The original <c>server</c> and <c>session</c> tables in PostgreSQL, with the same columns
/// (their names quoted, so that they keep their case and <c>User</c> may be one). Every value
/// is a bound parameter.
/// </summary>
public sealed class PostgresChatStore(PostgresDatabase database) : IChatStore
{
    private static readonly (string Table, string[] Columns, string Create)[] OriginalTables =
    [
        ("server", ["Date", "Name", "Average_Rating", "Today_Count", "Monthly_Count", "Total_Approaches", "Lost_Count"],
            """CREATE TABLE server ("Date" TEXT, "Name" TEXT, "Average_Rating" DOUBLE PRECISION, "Today_Count" BIGINT, "Monthly_Count" BIGINT, "Total_Approaches" BIGINT, "Lost_Count" BIGINT)"""),
        ("session", ["Date", "User", "In_Time", "Out_Time"],
            """CREATE TABLE session ("Date" TEXT, "User" TEXT, "In_Time" TEXT, "Out_Time" TEXT)"""),
    ];

    public string Name => database.Name;

    public StatsState? Prepare()
    {
        try
        {
            using var connection = database.Open();
            using var transaction = connection.BeginTransaction();
            // Nodes on other machines start together on one database: one at a time here.
            Execute(connection, "SELECT pg_advisory_xact_lock(727001)");
            foreach (var (table, columns, create) in OriginalTables)
            {
                var actual = ColumnsOf(connection, table);
                if (actual.Count == 0)
                {
                    Execute(connection, create);
                }
                else if (!actual.SequenceEqual(columns, StringComparer.OrdinalIgnoreCase))
                {
                    throw new ChatStartupException($"{Name}: table {table} has columns ({string.Join(", ", actual)}), expected ({string.Join(", ", columns)})");
                }
            }

            Execute(connection, """CREATE TABLE IF NOT EXISTS chat_projection ("Name" TEXT PRIMARY KEY, "Sequence_Nr" BIGINT NOT NULL)""");
            var newest = LegacyCounters.Newest(Query(connection, """SELECT "Date", "Average_Rating", "Today_Count", "Monthly_Count", "Total_Approaches", "Lost_Count" FROM server"""));
            transaction.Commit();
            return newest;
        }
        catch (NpgsqlException ex)
        {
            throw new ChatStartupException($"{Name}: {ex.Message}", ex);
        }
    }

    public long ReadOffset()
    {
        using var connection = database.Open();
        using var command = Command(connection, """SELECT "Sequence_Nr" FROM chat_projection WHERE "Name" = @name""", ("name", StorageDatabase.ProjectionName));
        return command.ExecuteScalar() is long offset ? offset : 0;
    }

    public void Write(IReadOnlyList<SessionChange> sessions, ServerRow? server)
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        foreach (var change in sessions)
        {
            switch (change)
            {
                case SessionOpened opened:
                    Execute(connection, """INSERT INTO session ("Date", "User", "In_Time", "Out_Time") VALUES (@date, @user, @in, '0')""",
                        ("date", opened.Date), ("user", opened.User), ("in", opened.InTime));
                    break;
                case SessionClosed { OutTime: { } outTime } closed:
                    // Open rows of one user with the same date and In_Time cannot be told apart: any one of them is the join's.
                    Execute(connection, """UPDATE session SET "Out_Time" = @out WHERE ctid = (SELECT ctid FROM session WHERE "User" = @user AND "Date" = @date AND "In_Time" = @in AND "Out_Time" = '0' LIMIT 1)""",
                        ("out", outTime), ("user", closed.User), ("date", closed.Date), ("in", closed.InTime));
                    break;
            }
        }

        if (sessions.Count > 0)
        {
            Execute(connection, """INSERT INTO chat_projection ("Name", "Sequence_Nr") VALUES (@name, @seq) ON CONFLICT ("Name") DO UPDATE SET "Sequence_Nr" = excluded."Sequence_Nr" """,
                ("name", StorageDatabase.ProjectionName), ("seq", sessions[^1].SequenceNr));
        }

        if (server is not null)
        {
            (string, object)[] values =
            [
                ("date", server.Date), ("rating", Math.Round(server.AverageRating, 2)), ("today", server.TodayCount),
                ("month", server.MonthlyCount), ("approaches", server.TotalApproaches), ("lost", server.LostCount),
            ];
            var updated = Execute(connection,
                """UPDATE server SET "Average_Rating" = @rating, "Today_Count" = @today, "Monthly_Count" = @month, "Total_Approaches" = @approaches, "Lost_Count" = @lost WHERE "Date" = @date AND "Name" = 'Master'""",
                values);
            if (updated == 0)
            {
                Execute(connection,
                    """INSERT INTO server ("Date", "Name", "Average_Rating", "Today_Count", "Monthly_Count", "Total_Approaches", "Lost_Count") VALUES (@date, 'Master', @rating, @today, @month, @approaches, @lost)""",
                    values);
            }
        }

        transaction.Commit();
    }

    private static List<string> ColumnsOf(NpgsqlConnection connection, string table) =>
        Query(connection, "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = @table ORDER BY ordinal_position", ("table", table))
            .Select(row => (string)row[0]!)
            .ToList();

    internal static List<object?[]> Query(NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        return DbRows.ReadAll(command);
    }

    internal static int Execute(NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        return command.ExecuteNonQuery();
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }
}
