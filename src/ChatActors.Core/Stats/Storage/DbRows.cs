using System.Data.Common;

namespace ChatActors.Stats.Storage;

internal static class DbRows
{
    /// <summary>Every row the command reads, each value as the provider gives it (null for NULL).</summary>
    public static List<object?[]> ReadAll(DbCommand command)
    {
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }
}
