using System.Globalization;
using System.Text.RegularExpressions;

namespace ChatActors.Tests.Support;

/// <summary>
/// A scrape of /metrics, read as Prometheus reads its text format (0.0.4): every sample line is
/// checked, and every sample belongs to a family declared by a <c># TYPE</c> line before it.
/// </summary>
public sealed partial class PrometheusText
{
    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> _samples = [];

    private PrometheusText()
    {
    }

    public static async Task<PrometheusText> ScrapeAsync(System.Net.IPEndPoint admin)
    {
        using var http = new HttpClient();
        return Parse(await http.GetStringAsync($"http://{admin}/metrics"));
    }

    public static PrometheusText Parse(string text)
    {
        var scrape = new PrometheusText();
        var families = new HashSet<string>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (TypeLine().Match(line) is { Success: true } type)
            {
                families.Add(type.Groups[1].Value);
                continue;
            }

            if (line.StartsWith('#'))
            {
                continue;
            }

            var sample = SampleLine().Match(line);
            Assert.True(sample.Success, $"not a Prometheus sample line: {line}");
            var name = sample.Groups["name"].Value;
            Assert.True(families.Any(family => name == family || name.StartsWith(family + "_", StringComparison.Ordinal)), $"a sample of no declared family: {line}");
            var labels = LabelPair().Matches(sample.Groups["labels"].Value).ToDictionary(pair => pair.Groups[1].Value, pair => pair.Groups[2].Value);
            scrape._samples.Add((name, labels, double.Parse(sample.Groups["value"].Value, CultureInfo.InvariantCulture)));
        }

        return scrape;
    }

    /// <summary>The sum of the samples named <paramref name="name"/> whose labels include <paramref name="labels"/> ("key=value"); 0 when there is none.</summary>
    public double Value(string name, params string[] labels) => _samples
        .Where(sample => sample.Name == name && labels.All(label => label.Split('=', 2) is [var key, var value] && sample.Labels.GetValueOrDefault(key) == value))
        .Sum(sample => sample.Value);

    public bool Has(string name) => _samples.Any(sample => sample.Name == name);

    /// <summary>A histogram's buckets, smallest first: each upper bound (<c>le</c>) with the count of samples up to it.</summary>
    public IReadOnlyList<(double UpperBound, double Count)> Buckets(string histogram) => _samples
        .Where(sample => sample.Name == histogram + "_bucket")
        .Select(sample => (sample.Labels["le"] == "+Inf" ? double.PositiveInfinity : double.Parse(sample.Labels["le"], CultureInfo.InvariantCulture), sample.Value))
        .OrderBy(bucket => bucket.Item1)
        .ToList();

    [GeneratedRegex(@"^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$")]
    private static partial Regex TypeLine();

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*)\})? (?<value>[-+]?(\d+(\.\d*)?([eE][-+]?\d+)?|Inf|NaN))( -?\d+)?$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();
}
