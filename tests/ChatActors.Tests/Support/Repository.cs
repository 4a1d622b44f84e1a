namespace ChatActors.Tests.Support;

public static class Repository
{
    /// <summary>The checkout the tests run from: the folder above the test binaries that holds ChatActors.sln.</summary>
    public static string Root
    {
        get
        {
            var folder = new DirectoryInfo(AppContext.BaseDirectory);
            while (!File.Exists(Path.Combine(folder.FullName, "ChatActors.sln")))
            {
                folder = folder.Parent ?? throw new InvalidOperationException("ChatActors.sln not found above the test binaries");
            }

            return folder.FullName;
        }
    }
}
