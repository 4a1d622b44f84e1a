using ChatActors.Hosting;
using Microsoft.Data.Sqlite;

namespace ChatActors.Stats.Storage;

/// <summary>
/// All SQL that touches storage.db: its original two tables, plus the offset of the
/// projection that keeps them in step with the stats journal and the session row each open
/// join created. Every value is a bound parameter. Calls block, so actors run them off
/// their own thread.
/// </summary>
public static class StorageDatabase
{
    public const string ProjectionName = "chat-stats";

    private static readonly (string Table, string[] Columns, string Create)[] OriginalTables =
    [
        ("server", ["Date", "Name", "Average_Rating", "Today_Count", "Monthly_Count", "Total_Approaches", "Lost_Count"],
            "CREATE TABLE server (Date TEXT, Name TEXT, Average_Rating REAL, Today_Count INTEGER, Monthly_Count INTEGER, Total_Approaches INTEGER, Lost_Count INTEGER)"),
        ("session", ["Date", "User", "In_Time", "Out_Time"],
            "CREATE TABLE session (Date TEXT, User TEXT, In_Time TEXT, Out_Time TEXT)"),
    ];

    /// <summary>
    /// Creates storage.db with the original schema if it is missing, refuses one whose tables
    /// have other columns, switches it to WAL, and returns the newest <c>server</c> row's
    /// counters (a database from the Python version), or null when there is none.
    /// </summary>
    public static StatsState? Prepare(StorageFile db)
    {
        var path = db.Path;
        try
        {
            using var connection = Open(db);
            UseWriteAheadLog(connection);
            // The nodes of the process approach start together on one file: one at a time here.
            using var transaction = connection.BeginTransaction(deferred: false);
            foreach (var (table, columns, create) in OriginalTables)
            {
                var actual = ColumnsOf(connection, transaction, table);
                if (actual.Count == 0)
                {
                    Execute(connection, transaction, create);
                }
                else if (!actual.SequenceEqual(columns, StringComparer.OrdinalIgnoreCase))
                {
                    throw new ChatStartupException(
                        $"{path}: table {table} has columns ({string.Join(", ", actual)}), expected ({string.Join(", ", columns)})");
                }
            }

            Execute(connection, transaction, "CREATE TABLE IF NOT EXISTS chat_projection (Name TEXT PRIMARY KEY, Sequence_Nr INTEGER NOT NULL)");
            Execute(connection, transaction, "CREATE TABLE IF NOT EXISTS chat_open_session (Join_Sequence_Nr INTEGER PRIMARY KEY, Session_Rowid INTEGER NOT NULL)");
            var newest = NewestServerRow(connection, transaction);
            transaction.Commit();
            return newest;
        }
        catch (SqliteException ex)
        {
            throw new ChatStartupException($"{path}: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Switches the stats journal's own file (<c>chat-actors.journal-db</c>) to WAL, as storage.db
    /// is: otherwise a program reading the journal would hold off every count while it reads,
    /// and every commit would create and delete a rollback journal.
    /// </summary>
    public static void PrepareJournalFile(StorageFile journal)
    {
        try
        {
            using var connection = Open(journal);
            UseWriteAheadLog(connection);
        }
        catch (SqliteException ex)
        {
            throw new ChatStartupException($"{journal.Path}: {ex.Message}", ex);
        }
    }

    public static long ReadOffset(StorageFile db)
    {
        using var connection = Open(db);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT Sequence_Nr FROM chat_projection WHERE Name = $name";
        command.Parameters.AddWithValue("$name", ProjectionName);
        return command.ExecuteScalar() is long offset ? offset : 0;
    }

    /// <summary>Writes session changes, the server row and the projection offset in one transaction.</summary>
    public static void Write(StorageFile db, IReadOnlyList<SessionChange> sessions, ServerRow? server)
    {
        using var connection = Open(db);
        using var transaction = connection.BeginTransaction();
        foreach (var change in sessions)
        {
            switch (change)
            {
                case SessionOpened opened:
                    Execute(connection, transaction, "INSERT INTO session (Date, User, In_Time, Out_Time) VALUES ($date, $user, $in, '0')",
                        ("$date", opened.Date), ("$user", opened.User), ("$in", opened.InTime));
                    // OR REPLACE: an entry left by a journal that was since started afresh must not block this one.
                    Execute(connection, transaction, "INSERT OR REPLACE INTO chat_open_session (Join_Sequence_Nr, Session_Rowid) VALUES ($join, last_insert_rowid())",
                        ("$join", opened.SequenceNr));
                    break;
                case SessionClosed closed:
                    Close(connection, transaction, closed);
                    break;
            }
        }

        if (sessions.Count > 0)
        {
            Execute(connection, transaction,
                "INSERT INTO chat_projection (Name, Sequence_Nr) VALUES ($name, $seq) ON CONFLICT (Name) DO UPDATE SET Sequence_Nr = excluded.Sequence_Nr",
                ("$name", ProjectionName), ("$seq", sessions[^1].SequenceNr));
        }

        if (server is not null)
        {
            (string, object)[] values =
            [
                ("$date", server.Date), ("$rating", Math.Round(server.AverageRating, 2)), ("$today", server.TodayCount),
                ("$month", server.MonthlyCount), ("$approaches", server.TotalApproaches), ("$lost", server.LostCount),
            ];
            var updated = Execute(connection, transaction,
                "UPDATE server SET Average_Rating = $rating, Today_Count = $today, Monthly_Count = $month, Total_Approaches = $approaches, Lost_Count = $lost WHERE Date = $date AND Name = 'Master'",
                values);
            if (updated == 0)
            {
                Execute(connection, transaction,
                    "INSERT INTO server (Date, Name, Average_Rating, Today_Count, Monthly_Count, Total_Approaches, Lost_Count) VALUES ($date, 'Master', $rating, $today, $month, $approaches, $lost)",
                    values);
            }
        }

        transaction.Commit();
    }

    /// <summary>
    /// A rated leave sets Out_Time on the row its own join created. The row is found through
    /// <c>chat_open_session</c>; a leave from before that table (or a row whose rowid a VACUUM
    /// changed) falls back to the oldest open row with the same user, date and In_Time, which
    /// is then indistinguishable from it.
    /// </summary>
    private static void Close(SqliteConnection connection, SqliteTransaction transaction, SessionClosed closed)
    {
        if (closed.OutTime is { } outTime)
        {
            (string, object)[] values =
            [
                ("$join", closed.JoinSequenceNr), ("$out", outTime), ("$user", closed.User), ("$date", closed.Date), ("$in", closed.InTime),
            ];
            var updated = Execute(connection, transaction,
                "UPDATE session SET Out_Time = $out WHERE User = $user AND Date = $date AND In_Time = $in AND rowid = (SELECT Session_Rowid FROM chat_open_session WHERE Join_Sequence_Nr = $join)",
                values);
            if (updated == 0)
            {
                Execute(connection, transaction,
                    "UPDATE session SET Out_Time = $out WHERE rowid = (SELECT rowid FROM session WHERE User = $user AND Date = $date AND In_Time = $in AND Out_Time = '0' ORDER BY rowid LIMIT 1)",
                    values);
            }
        }

        Execute(connection, transaction, "DELETE FROM chat_open_session WHERE Join_Sequence_Nr = $join", ("$join", closed.JoinSequenceNr));
    }

    private static SqliteConnection Open(StorageFile db)
    {
        var connection = new SqliteConnection(db.ConnectionString);
        connection.Open();
        SqliteBusyTimeout.Apply(connection, db.BusyTimeout);
        return connection;
    }

    private static void UseWriteAheadLog(SqliteConnection connection) => Execute(connection, "PRAGMA journal_mode=WAL");

    private static List<string> ColumnsOf(SqliteConnection connection, SqliteTransaction transaction, string table)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT name FROM pragma_table_info($table) ORDER BY cid";
        command.Parameters.AddWithValue("$table", table);
        using var reader = command.ExecuteReader();
        var columns = new List<string>();
        while (reader.Read())
        {
            columns.Add(reader.GetString(0));
        }

        return columns;
    }

    private static StatsState? NewestServerRow(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT Date, Average_Rating, Today_Count, Monthly_Count, Total_Approaches, Lost_Count FROM server";
        return LegacyCounters.Newest(DbRows.ReadAll(command));
    }

    private static int Execute(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters) =>
        Execute(connection, null, sql, parameters);

    private static int Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command.ExecuteNonQuery();
    }
}
