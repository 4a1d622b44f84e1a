// What the chat costs in .NET with nothing behind it (docs/BENCHMARKS.md, "The protocol's
// floor"). Not a chat server: join-floor.c's protocol written the way a plain .NET server is
// written, async sockets on the thread pool, no actors, no SQLite, no journal library. A
// balancer port names the one server port and closes; a server port greets, takes the first
// line ("NAME joined the server") and sends it to everyone joined so far, itself included,
// and from then on sends every whole line read to everyone as it was read. Sends coalesce as
// the node's do: each client's bytes go out in a thread-pool work item, so what arrives
// before it runs goes out in the same send. With a LOG file, each approach and each join is
// appended to it and its answer waits for an fdatasync that covers it (one for all the counts
// that arrived while the last one ran). Leaves are not broadcast.
//
//   dotnet run -c Release src/ChatActors.Bench/floor/dotnet-floor.cs -- BALANCER_PORT SERVER_PORT [LOG]
//   dotnet run -c Release --project src/ChatActors.Bench -- --target chat --host 127.0.0.1 --port BALANCER_PORT --scenarios handshake,joins,fanout --fanout 100x1
using System.Net;
using System.Net.Sockets;
using System.Text;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: dotnet-floor BALANCER_PORT SERVER_PORT [LOG]");
    return 2;
}

var serverPort = int.Parse(args[1]);
var counts = args.Length > 2 ? new CountLog(args[2]) : null;
var room = new Room();
var balancerReply = Encoding.ASCII.GetBytes($"('127.0.0.1', {serverPort})");
var greeting = "Welcome to Server-1\n"u8.ToArray();

_ = AcceptAsync(int.Parse(args[0]), async client =>
{
    using (client)
    {
        if (counts is not null)
        {
            await counts.CountAsync();
        }

        await client.SendAsync(balancerReply);
        client.Shutdown(SocketShutdown.Both);
    }
});
await AcceptAsync(serverPort, async client =>
{
    client.NoDelay = true;
    var member = new Member(client);
    member.Send(greeting);
    var buffer = new byte[16 * 1024];
    var length = 0;
    var joined = false;
    try
    {
        int read;
        while ((read = await client.ReceiveAsync(buffer.AsMemory(length))) > 0)
        {
            length += read;
            var start = 0;
            if (!joined)
            {
                var joinEnd = Array.IndexOf(buffer, (byte)'\n', 0, length);
                if (joinEnd < 0)
                {
                    continue;
                }

                if (counts is not null)
                {
                    await counts.CountAsync();
                }

                room.Join(member, buffer.AsSpan(0, joinEnd + 1).ToArray());
                joined = true;
                start = joinEnd + 1;
            }

            var chatEnd = buffer.AsSpan(start, length - start).LastIndexOf((byte)'\n');
            if (chatEnd >= 0)
            {
                room.Broadcast(buffer.AsSpan(start, chatEnd + 1).ToArray());
                start += chatEnd + 1;
            }

            buffer.AsSpan(start, length - start).CopyTo(buffer);
            length = length - start == buffer.Length ? 0 : length - start;
        }
    }
    catch (SocketException)
    {
        // A reset ends the client as a close does.
    }

    room.Leave(member);
    client.Dispose();
});
return 0;

static async Task AcceptAsync(int port, Func<Socket, Task> serve)
{
    var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
    listener.Listen(4096);
    while (true)
    {
        var client = await listener.AcceptAsync();
        _ = Task.Run(() => serve(client));
    }
}

/// <summary>Everyone joined, in an array replaced on every join and leave, so a broadcast reads it without a lock.</summary>
sealed class Room
{
    private readonly Lock _gate = new();
    private volatile Member[] _everyone = [];

    public void Join(Member member, byte[] line)
    {
        lock (_gate)
        {
            _everyone = [.. _everyone, member];
        }

        Broadcast(line);
    }

    public void Broadcast(byte[] lines)
    {
        foreach (var member in _everyone)
        {
            member.Send(lines);
        }
    }

    public void Leave(Member member)
    {
        lock (_gate)
        {
            _everyone = [.. _everyone.Where(other => other != member)];
        }
    }
}

/// <summary>
/// One client's outgoing bytes. Without the hand-off to the pool a send would complete at
/// once, inside the broadcast, and a burst of joins would cost one system call per join line
/// per client.
/// </summary>
sealed class Member(Socket socket)
{
    private readonly MemoryStream _pending = new();
    private bool _sending;

    public void Send(byte[] bytes)
    {
        lock (_pending)
        {
            _pending.Write(bytes);
            if (_sending)
            {
                return;
            }

            _sending = true;
        }

        ThreadPool.UnsafeQueueUserWorkItem(member => _ = member.PumpAsync(), this, preferLocal: false);
    }

    private async Task PumpAsync()
    {
        while (true)
        {
            byte[] batch;
            lock (_pending)
            {
                if (_pending.Length == 0)
                {
                    _sending = false;
                    return;
                }

                batch = _pending.ToArray();
                _pending.SetLength(0);
            }

            try
            {
                await socket.SendAsync(batch);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return;
            }
        }
    }
}

/// <summary>Group commit: every count waits for the fdatasync of a write that includes it.</summary>
sealed class CountLog(string path)
{
    private static readonly byte[] Record = "one approach or join, about as long as an event\n"u8.ToArray();
    private readonly FileStream _file = new(path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0);
    private readonly Lock _gate = new();
    private List<TaskCompletionSource> _waiting = [];
    private bool _writing;

    public Task CountAsync()
    {
        var counted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _waiting.Add(counted);
            if (_writing)
            {
                return counted.Task;
            }

            _writing = true;
        }

        _ = Task.Run(WriteWaiting);
        return counted.Task;
    }

    private void WriteWaiting()
    {
        while (true)
        {
            List<TaskCompletionSource> batch;
            lock (_gate)
            {
                if (_waiting.Count == 0)
                {
                    _writing = false;
                    return;
                }

                batch = _waiting;
                _waiting = [];
            }

            foreach (var _ in batch)
            {
                _file.Write(Record);
            }

            _file.Flush(flushToDisk: true);
            foreach (var counted in batch)
            {
                counted.SetResult();
            }
        }
    }
}
