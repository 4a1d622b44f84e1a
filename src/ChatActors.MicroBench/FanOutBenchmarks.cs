using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using ChatActors.Net;

namespace ChatActors.MicroBench;

/// <summary>
/// The fan-out core: one encoded block handed to the writers of 100 clients, as a server does
/// for every broadcast, with the writers' pumps sending to loopback sockets that are read.
/// Per operation is per delivered line.
/// </summary>
[MemoryDiagnoser]
public class FanOutBenchmarks
{
    private const int Clients = 100;
    private readonly byte[] _block = Lines.Read(50);
    private readonly List<Socket> _sockets = [];
    private readonly List<Task> _readers = [];
    private ConnectionWriter[] _writers = [];

    [GlobalSetup]
    public void Setup()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(Clients);
        var limits = new OutboundLimits(MaxMessages: 1_000_000, MaxBytes: 1L << 30);
        _writers = Enumerable.Range(0, Clients).Select(_ =>
        {
            var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            client.Connect(listener.LocalEndPoint!);
            var server = listener.Accept();
            _sockets.Add(client);
            _readers.Add(DrainAsync(client));
            return new ConnectionWriter(server, limits);
        }).ToArray();
    }

    [Benchmark(OperationsPerInvoke = Clients, Description = "ConnectionWriter.TryEnqueue, per delivered line")]
    public void FanOutOneBlock()
    {
        foreach (var writer in _writers)
        {
            writer.TryEnqueue(_block);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var writer in _writers)
        {
            writer.Abort();
        }

        _sockets.ForEach(socket => socket.Dispose());
        Task.WaitAll(_readers);
    }

    private static async Task DrainAsync(Socket socket)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None) > 0)
            {
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    }
}
