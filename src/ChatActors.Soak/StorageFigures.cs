using Microsoft.Data.Sqlite;

namespace ChatActors.Soak;

/// <summary>What storage.db holds after the node has stopped: the newest <c>server</c> row and the <c>session</c> table.</summary>
public sealed record StorageFigures(
    long TodayCount,
    long MonthlyCount,
    long TotalApproaches,
    long LostCount,
    double AverageRating,
    long Sessions,
    long RatedSessions,
    IReadOnlyList<string> SqlNamesMissing)
{
    public static StorageFigures Read(string dbPath, IEnumerable<string> sqlNames)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = dbPath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var server = connection.CreateCommand();
        server.CommandText = "SELECT Today_Count, Monthly_Count, Total_Approaches, Lost_Count, Average_Rating FROM server WHERE Name = 'Master' ORDER BY rowid DESC LIMIT 1";
        using var row = server.ExecuteReader();
        var (today, month, approaches, lost, rating) = row.Read()
            ? (row.GetInt64(0), row.GetInt64(1), row.GetInt64(2), row.GetInt64(3), row.GetDouble(4))
            : (0L, 0L, 0L, 0L, 0.0);

        using var sessions = connection.CreateCommand();
        sessions.CommandText = "SELECT COUNT(*), COALESCE(SUM(Out_Time <> '0'), 0) FROM session";
        using var counts = sessions.ExecuteReader();
        counts.Read();

        var missing = sqlNames.Where(name =>
        {
            using var find = connection.CreateCommand();
            find.CommandText = "SELECT COUNT(*) FROM session WHERE User = $name";
            find.Parameters.AddWithValue("$name", name);
            return (long)find.ExecuteScalar()! != 1;
        }).ToList();
        return new StorageFigures(today, month, approaches, lost, rating, counts.GetInt64(0), counts.GetInt64(1), missing);
    }
}
