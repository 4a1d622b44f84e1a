namespace ChatActors.Harness;

/// <summary>The checkout a test or tool runs from, where run.ps1 and hocon/ are.</summary>
public static class Checkout
{
    /// <summary>The folder above the running program's binaries that holds ChatActors.sln.</summary>
    public static string Root
    {
        get
        {
            var folder = new DirectoryInfo(AppContext.BaseDirectory);
            while (!File.Exists(Path.Combine(folder.FullName, "ChatActors.sln")))
            {
                folder = folder.Parent ?? throw new InvalidOperationException("ChatActors.sln not found above the program's binaries");
            }

            return folder.FullName;
        }
    }
}
