using ChatActors.Stats.Storage;
using Microsoft.Data.Sqlite;

namespace ChatActors.Tests.Support;

/// <summary>Reads a storage.db the way a user with the sqlite3 shell would.</summary>
public static class SqliteFile
{
    public static List<string[]> Rows(string path, string sql)
    {
        using var connection = new SqliteConnection(new StorageFile(path, TimeSpan.FromSeconds(30)).ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string[]>();
        while (reader.Read())
        {
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)!).ToArray());
        }

        return rows;
    }

    public static void Execute(string path, string sql)
    {
        using var connection = new SqliteConnection(new StorageFile(path, TimeSpan.FromSeconds(30)).ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
