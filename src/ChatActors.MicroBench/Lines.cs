using System.Text;

namespace ChatActors.MicroBench;

/// <summary>What a publisher of the benchmark program sends: lines of about 48 bytes, as one read.</summary>
public static class Lines
{
    public const string Publisher = "p0";

    public static string Line(int sequence) => $"{Publisher} : B|0|{sequence}|1764126000000000|xxxxxxxxxxxxxxx|E";

    /// <summary>As many whole lines as fit in <paramref name="bytes"/>, each with its <c>\n</c>.</summary>
    public static byte[] Read(int bytes)
    {
        var read = new StringBuilder();
        for (var i = 0; read.Length + Line(i).Length + 1 <= bytes; i++)
        {
            read.Append(Line(i)).Append('\n');
        }

        return Encoding.UTF8.GetBytes(read.ToString());
    }
}
