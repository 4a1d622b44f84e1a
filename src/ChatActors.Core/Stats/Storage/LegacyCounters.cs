namespace ChatActors.Stats.Storage;

/// <summary>The counters of a database written before the journal existed (the Python version's), as the stats actor takes them over.</summary>
public static class LegacyCounters
{
    /// <summary>
    /// The newest of the <c>server</c> rows (Date, Average_Rating, Today_Count, Monthly_Count,
    /// Total_Approaches, Lost_Count) by date; the Python version wrote one per date. Null: none.
    /// </summary>
    public static StatsState? Newest(IEnumerable<object?[]> serverRows)
    {
        StatsState? newest = null;
        foreach (var row in serverRows)
        {
            if (row[0] is not string text || !StorageFormat.TryParseDate(text, out var date) || (newest is not null && date < newest.Date))
            {
                continue;
            }

            // The Python version kept only the average; it resumes here as if it were one rating.
            var average = row[1] is null ? 0 : Convert.ToDouble(row[1], System.Globalization.CultureInfo.InvariantCulture);
            newest = new StatsState(date, Whole(row[2]), Whole(row[3]), Whole(row[4]), Whole(row[5]), average, average > 0 ? 1 : 0);
        }

        return newest;
    }

    private static long Whole(object? value) => value is null ? 0 : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
}
