using Microsoft.Data.Sqlite;

namespace ChatActors.Soak.Faults;

/// <summary>storage.db's <c>session</c> rows per name family (<c>f7</c> holds <c>f7</c>, <c>f7-2</c>, ...): all of them and the rated ones.</summary>
public static class SessionRows
{
    public static IReadOnlyDictionary<string, (long Rows, long Rated)> ByFamily(string dbPath)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = dbPath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT User, COUNT(*), COALESCE(SUM(Out_Time <> '0'), 0) FROM session GROUP BY User";
        using var rows = command.ExecuteReader();
        var families = new Dictionary<string, (long Rows, long Rated)>();
        while (rows.Read())
        {
            var family = Family(rows.GetString(0));
            var (all, rated) = families.GetValueOrDefault(family);
            families[family] = (all + rows.GetInt64(1), rated + rows.GetInt64(2));
        }

        return families;
    }

    /// <summary>The name a client asked for, of the name it joined under (another one is the same with <c>-N</c> after it).</summary>
    public static string Family(string name) => name.Split('-')[0];
}
