using BenchmarkDotNet.Attributes;
using ChatActors.Protocol;

namespace ChatActors.MicroBench;

/// <summary>
/// A 16 KiB read of chat lines: through the frame decoder and the chat rules line by line (any
/// read), or checked whole and broadcast as read (the common case, which allocates nothing).
/// </summary>
[MemoryDiagnoser]
public class ProtocolBenchmarks
{
    private readonly byte[] _read = Lines.Read(16 * 1024);
    private readonly string _line = Lines.Line(42);
    private FrameDecoder _decoder = null!;

    [GlobalSetup]
    public void Setup() => _decoder = new FrameDecoder(4096);

    [Benchmark(Description = "FrameDecoder.Decode, one 16 KiB read")]
    public int DecodeRead() => _decoder.Decode(_read).Count;

    [Benchmark(Description = "ChatRules.IsBroadcastAsRead, one 16 KiB read")]
    public bool CheckRead() => ChatRules.IsBroadcastAsRead(_read, "p0 : "u8, 4096, out _);

    [Benchmark(Description = "ChatRules.Interpret, one line")]
    public ClientCommand InterpretLine() => ChatRules.Interpret(_line, Lines.Publisher);

    [Benchmark(Description = "ChatRules.TryParseJoin")]
    public bool ParseJoin() => ChatRules.TryParseJoin("ann joined the server", out _);
}
