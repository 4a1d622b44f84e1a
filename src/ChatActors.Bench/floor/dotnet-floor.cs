// The protocol's floor in .NET (docs/BENCHMARKS.md, "The protocol's floor"): join-floor.c
// written in C#, to tell what .NET itself costs from what the node's design costs. Not a chat
// server: a balancer port that names the one server port and closes, and a server port that
// greets, takes the first line ("NAME joined the server") and sends it to every client joined
// so far, itself included. One thread on epoll through libc, as in C: no thread pool, no
// tasks, no allocation per event; everything a round of events produced is written once at
// its end, one write per client per round. With a LOG file, each approach and each join is
// appended to it and the round's replies wait for one fdatasync. Leaves are not broadcast.
//
//   dotnet run -c Release src/ChatActors.Bench/floor/dotnet-floor.cs -- BALANCER_PORT SERVER_PORT [LOG]
//   dotnet run -c Release --project src/ChatActors.Bench -- --target chat --host 127.0.0.1 --port BALANCER_PORT --node-pid PID --scenarios handshake,joins
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: dotnet-floor BALANCER_PORT SERVER_PORT [LOG]");
    return 2;
}

var serverPort = int.Parse(args[1]);
var floor = new EpollFloor(
    Encoding.ASCII.GetBytes($"('127.0.0.1', {serverPort})"),
    args.Length > 2 ? Libc.OpenLog(args[2]) : -1);
floor.Run(Libc.Listen(int.Parse(args[0])), Libc.Listen(serverPort));
return 0;

sealed class EpollFloor(byte[] balancerReply, int logFd)
{
    private const int MaxFds = 65536;
    private const int LineMaxBytes = 256;
    private static readonly byte[] Greeting = "Welcome to Server-1\n"u8.ToArray();
    private static readonly byte[] Record = "one approach or join, about as long as an event\n"u8.ToArray();

    private readonly byte[][] _pendingLine = new byte[MaxFds][];
    private readonly int[] _pendingLength = new int[MaxFds];
    private readonly bool[] _isJoined = new bool[MaxFds];
    private readonly List<int> _joined = [];
    private readonly byte[][] _output = new byte[MaxFds][];
    private readonly int[] _outputLength = new int[MaxFds];
    private readonly List<int> _withOutput = [];
    private readonly List<int> _balancerWaiting = [];
    private int _eventsToLog;
    private int _epoll;

    public void Run(int balancer, int server)
    {
        _epoll = Libc.epoll_create1(0);
        Watch(balancer);
        Watch(server);
        var events = new Libc.EpollEvent[512];
        while (true)
        {
            var ready = Libc.epoll_wait(_epoll, events, events.Length, -1);
            for (var k = 0; k < ready; k++)
            {
                var fd = events[k].Fd;
                if (fd == balancer)
                {
                    for (int client; (client = Libc.accept4(balancer, 0, 0, 0)) >= 0;)
                    {
                        _balancerWaiting.Add(client);
                        CountEvent();
                    }
                }
                else if (fd == server)
                {
                    for (int client; (client = Libc.accept4(server, 0, 0, Libc.SockNonBlock)) >= 0;)
                    {
                        if (client >= MaxFds)
                        {
                            Libc.close(client);
                            continue;
                        }

                        Libc.SetNoDelay(client);
                        _pendingLength[client] = 0;
                        QueueOutput(client, Greeting, Greeting.Length);
                        Watch(client);
                    }
                }
                else
                {
                    ReadClient(fd);
                }
            }

            EndRound();
        }
    }

    private void Watch(int fd)
    {
        var watched = new Libc.EpollEvent { Events = Libc.EpollIn, Fd = fd };
        Libc.epoll_ctl(_epoll, Libc.EpollCtlAdd, fd, ref watched);
    }

    private void CountEvent()
    {
        if (logFd >= 0)
        {
            _eventsToLog++;
        }
    }

    private void QueueOutput(int fd, byte[] bytes, int length)
    {
        var buffer = _output[fd] ??= new byte[256];
        if (_outputLength[fd] + length > buffer.Length)
        {
            Array.Resize(ref _output[fd], (_outputLength[fd] + length) * 2);
            buffer = _output[fd];
        }

        if (_outputLength[fd] == 0)
        {
            _withOutput.Add(fd);
        }

        Buffer.BlockCopy(bytes, 0, buffer, _outputLength[fd], length);
        _outputLength[fd] += length;
    }

    private void ReadClient(int fd)
    {
        var line = _pendingLine[fd] ??= new byte[LineMaxBytes];
        var got = Libc.read(fd, ref line[_pendingLength[fd]], LineMaxBytes - _pendingLength[fd]);
        if (got < 0 && Marshal.GetLastPInvokeError() == Libc.EAgain)
        {
            return;
        }

        if (got <= 0)
        {
            Forget(fd);
            return;
        }

        _pendingLength[fd] += (int)got;
        var lineEnd = Array.IndexOf(line, (byte)'\n', 0, _pendingLength[fd]);
        if (lineEnd < 0)
        {
            if (_pendingLength[fd] == LineMaxBytes)
            {
                _pendingLength[fd] = 0;
            }

            return;
        }

        if (!_isJoined[fd])
        {
            _isJoined[fd] = true;
            _joined.Add(fd);
            CountEvent();
            foreach (var other in _joined)
            {
                QueueOutput(other, line, lineEnd + 1);
            }
        }

        _pendingLength[fd] = 0;
    }

    private void Forget(int fd)
    {
        _outputLength[fd] = 0;
        if (_isJoined[fd])
        {
            _joined.Remove(fd);
        }

        _isJoined[fd] = false;
        Libc.close(fd);
    }

    /// <summary>The end of a round: the counts first, then every answer they allow.</summary>
    private void EndRound()
    {
        if (_eventsToLog > 0)
        {
            for (; _eventsToLog > 0; _eventsToLog--)
            {
                Libc.write(logFd, ref Record[0], Record.Length);
            }

            Libc.fdatasync(logFd);
        }

        foreach (var waiting in _balancerWaiting)
        {
            Libc.write(waiting, ref balancerReply[0], balancerReply.Length);
            Libc.close(waiting);
        }

        _balancerWaiting.Clear();
        foreach (var fd in _withOutput)
        {
            if (_outputLength[fd] > 0)
            {
                Libc.write(fd, ref _output[fd][0], _outputLength[fd]);
            }

            _outputLength[fd] = 0;
        }

        _withOutput.Clear();
    }
}

static class Libc
{
    public const uint EpollIn = 1;
    public const int EpollCtlAdd = 1;
    public const int SockNonBlock = 0x800;
    public const int EAgain = 11;

    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    public struct EpollEvent
    {
        public uint Events;
        public int Fd;
        private int _restOfData;
    }

    public static int Listen(int port)
    {
        const int afInet = 2, sockStream = 1, solSocket = 1, soReuseAddr = 2;
        var fd = socket(afInet, sockStream | SockNonBlock, 0);
        var on = 1;
        setsockopt(fd, solSocket, soReuseAddr, ref on, sizeof(int));
        // struct sockaddr_in: family, port in network order, 127.0.0.1, zero padding.
        var address = new byte[16];
        BinaryPrimitives.WriteUInt16LittleEndian(address, afInet);
        BinaryPrimitives.WriteUInt16BigEndian(address.AsSpan(2), (ushort)port);
        address[4] = 127;
        address[7] = 1;
        if (bind(fd, address, address.Length) != 0 || listen(fd, 4096) != 0)
        {
            throw new InvalidOperationException($"cannot listen on 127.0.0.1:{port} (errno {Marshal.GetLastPInvokeError()})");
        }

        return fd;
    }

    public static void SetNoDelay(int fd)
    {
        const int ipProtoTcp = 6, tcpNoDelay = 1;
        var on = 1;
        setsockopt(fd, ipProtoTcp, tcpNoDelay, ref on, sizeof(int));
    }

    public static int OpenLog(string path)
    {
        const int writeOnly = 1, create = 0x40, append = 0x400;
        var fd = open(path, writeOnly | create | append, Convert.ToInt32("644", 8));
        return fd >= 0 ? fd : throw new InvalidOperationException($"cannot open {path} (errno {Marshal.GetLastPInvokeError()})");
    }

    [DllImport("libc", SetLastError = true)]
    public static extern int epoll_create1(int flags);

    [DllImport("libc", SetLastError = true)]
    public static extern int epoll_ctl(int epfd, int op, int fd, ref EpollEvent watched);

    [DllImport("libc", SetLastError = true)]
    public static extern int epoll_wait(int epfd, [Out] EpollEvent[] events, int maxEvents, int timeout);

    [DllImport("libc", SetLastError = true)]
    public static extern int accept4(int fd, nint address, nint addressLength, int flags);

    [DllImport("libc", SetLastError = true)]
    public static extern nint read(int fd, ref byte buffer, nint count);

    [DllImport("libc", SetLastError = true)]
    public static extern nint write(int fd, ref byte buffer, nint count);

    [DllImport("libc", SetLastError = true)]
    public static extern int close(int fd);

    [DllImport("libc", SetLastError = true)]
    public static extern int fdatasync(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int socket(int domain, int type, int protocol);

    [DllImport("libc", SetLastError = true)]
    private static extern int setsockopt(int fd, int level, int name, ref int value, int length);

    [DllImport("libc", SetLastError = true)]
    private static extern int bind(int fd, byte[] address, int length);

    [DllImport("libc", SetLastError = true)]
    private static extern int listen(int fd, int backlog);

    [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi)]
    private static extern int open(string path, int flags, int mode);
}
