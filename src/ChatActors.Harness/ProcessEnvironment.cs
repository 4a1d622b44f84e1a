namespace ChatActors.Harness;

public static class ProcessEnvironment
{
    /// <summary>
    /// .NET runs socket continuations on its epoll thread when this environment variable is 1.
    /// A load generator sets it for itself; a node under test runs with the defaults.
    /// </summary>
    public const string InlineSocketCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
}
