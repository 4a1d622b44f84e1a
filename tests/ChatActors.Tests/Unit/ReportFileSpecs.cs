using ChatActors.Soak;
using ChatActors.Tests.Support;

namespace ChatActors.Tests.Unit;

/// <summary>docs/SOAK.md holds the one-node soak's report and the fault run's, each rewritten on its own.</summary>
public class ReportFileSpecs
{
    [Fact]
    public async Task A_section_is_added_at_the_end_then_replaced_in_place_keeping_the_others()
    {
        var path = Path.Combine(TestFolders.Create(), "SOAK.md");
        await ReportFile.WriteSectionAsync(path, "# Soak report\n\nold soak\n");
        await ReportFile.WriteSectionAsync(path, "# Fault run\n\nfirst run\n");
        await ReportFile.WriteSectionAsync(path, "# Soak report\n\nnew soak\n");
        await ReportFile.WriteSectionAsync(path, "# Fault run\n\nsecond run\n");

        Assert.Equal("# Soak report\n\nnew soak\n\n# Fault run\n\nsecond run\n", await File.ReadAllTextAsync(path));
    }
}
