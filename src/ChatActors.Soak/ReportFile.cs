namespace ChatActors.Soak;

/// <summary>A Markdown file of several reports, each a section from its top-level heading to the next one.</summary>
public static class ReportFile
{
    /// <summary>Puts <paramref name="section"/> (starting with its <c># </c> heading) in place of the section of that heading, or at the end.</summary>
    public static async Task WriteSectionAsync(string path, string section)
    {
        var heading = section.Split('\n')[0];
        var lines = File.Exists(path) ? (await File.ReadAllLinesAsync(path)).ToList() : [];
        var start = lines.IndexOf(heading);
        var end = start < 0 ? -1 : lines.FindIndex(start + 1, line => line.StartsWith("# ", StringComparison.Ordinal));
        var before = string.Join("\n", start < 0 ? lines : lines[..start]).Trim();
        var after = end < 0 ? string.Empty : string.Join("\n", lines[end..]).Trim();
        var parts = new[] { before, section.Trim(), after }.Where(part => part.Length > 0);
        await File.WriteAllTextAsync(path, string.Join("\n\n", parts) + "\n");
    }
}
