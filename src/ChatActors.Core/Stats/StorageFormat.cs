using System.Globalization;

namespace ChatActors.Stats;

/// <summary>The date and time texts of the original storage.db: <c>24 Nov 26</c> and <c>03:04:05 PM</c>.</summary>
public static class StorageFormat
{
    public static string Date(DateTime at) => at.ToString("dd MMM yy", CultureInfo.InvariantCulture);

    public static string Date(DateOnly date) => date.ToString("dd MMM yy", CultureInfo.InvariantCulture);

    public static string Time(DateTime at) => at.ToString("hh:mm:ss tt", CultureInfo.InvariantCulture);

    public static bool TryParseDate(string text, out DateOnly date) =>
        DateOnly.TryParseExact(text, "dd MMM yy", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
}
