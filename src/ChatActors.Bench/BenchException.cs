namespace ChatActors.Bench;

/// <summary>A scenario could not run as planned (a refused join, a missing redis-server); its message says why.</summary>
public sealed class BenchException(string message) : Exception(message);
