using ChatActors.Harness;

namespace ChatActors.Bench;

/// <summary>
/// A server under load, spoken to in its own protocol: a ChatActors node (through its balancer,
/// as PROTOCOL.md says) or a redis-server (pub/sub on one channel).
/// </summary>
public interface ILoadTarget : IAsyncDisposable
{
    string Name { get; }

    /// <summary>The server's process, for its memory and CPU time; null when it runs elsewhere.</summary>
    ProcessMeter? Meter { get; }

    /// <summary>A client that receives every published line, once the server confirmed it.</summary>
    Task<LoadConnection> ConnectSubscriberAsync(string name, int bufferBytes, CancellationToken cancel);

    /// <summary>A client that publishes; it may receive lines too, which its loop drains.</summary>
    Task<LoadConnection> ConnectPublisherAsync(string name, int bufferBytes, CancellationToken cancel);

    /// <summary>Writes the command that publishes <paramref name="payload"/> as <paramref name="publisher"/>; returns its length.</summary>
    int WritePublish(Span<byte> destination, ReadOnlySpan<byte> publisher, ReadOnlySpan<byte> payload);
}
