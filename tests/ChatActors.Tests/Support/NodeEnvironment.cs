namespace ChatActors.Tests.Support;

/// <summary>What a running node process was started with in its environment, as <c>NAME=VALUE</c> entries.</summary>
internal static class NodeEnvironment
{
    public static IReadOnlyList<string> Of(int pid) => File.ReadAllText($"/proc/{pid}/environ").Split('\0');
}
