using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace ChatActors.Tests.Support;

/// <summary>
/// Hosts of their own on this machine: a Linux network namespace per host, each joined by a
/// veth pair to one bridge, with addresses from 10.231.0.0/24 that exist only there (the
/// bridge is 10.231.0.1, host i is 10.231.0.(10 + i)). A host is cut off by taking its link
/// down. Everything is removed at the end, also after a failure, and what a run that was
/// killed left behind is removed by the next. Needs root; elsewhere <see cref="CreateAsync"/>
/// says why in one line and returns null, and the spec skips.
/// </summary>
public sealed class NetworkHosts : IAsyncDisposable
{
    public const string BridgeAddress = "10.231.0.1";

    /// <summary>Two sets of hosts would claim the same addresses: one at a time in this process.</summary>
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    private readonly string _tag = "ca" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
    private readonly int _count;

    private NetworkHosts(int count) => _count = count;

    private string Bridge => _tag + "b";

    public static IPAddress Address(int host) => IPAddress.Parse($"10.231.0.{10 + host}");

    public string Namespace(int host) => $"{_tag}h{host}";

    /// <returns>The hosts, or null (after one line to <paramref name="log"/>) where namespaces cannot be made.</returns>
    public static async Task<NetworkHosts?> CreateAsync(int count, Action<string> log)
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            log("skipped: hosts of their own need Linux network namespaces, which only root can make");
            return null;
        }

        await OneAtATime.WaitAsync();
        var hosts = new NetworkHosts(count);
        try
        {
            await RemoveLeftoversAsync();
            await hosts.CreateAsync();
            return hosts;
        }
        catch (Exception ex)
        {
            await hosts.DisposeAsync();
            log($"skipped: network namespaces cannot be made here ({ex.Message.Split('\n')[0]})");
            return null;
        }
    }

    /// <summary>Takes host <paramref name="host"/>'s link down: nothing reaches it or leaves it until <see cref="HealAsync"/>.</summary>
    public Task CutOffAsync(int host) => IpAsync("link", "set", HostSide(host), "down");

    public Task HealAsync(int host) => IpAsync("link", "set", HostSide(host), "up");

    /// <summary>SIGKILL to every process of host <paramref name="host"/>.</summary>
    public async Task KillEverythingOnAsync(int host)
    {
        foreach (var pid in await ProcessesOfAsync(Namespace(host)))
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
            catch (ArgumentException)
            {
                // Gone already.
            }
        }
    }

    /// <summary>
    /// A TCP connection made from inside host <paramref name="host"/>, as a client on that side of
    /// a cut sees the network: the socket is made on a thread that has entered the host's network
    /// namespace, and stays in it.
    /// </summary>
    public Task<Socket> ConnectFromAsync(int host, IPAddress to, int port)
    {
        var connected = new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                using var ns = File.OpenHandle($"/var/run/netns/{Namespace(host)}");
                if (SetNetworkNamespace(ns.DangerousGetHandle(), CloneNewNet) != 0)
                {
                    throw new InvalidOperationException($"setns failed ({Marshal.GetLastPInvokeError()})");
                }

                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                socket.Connect(to, port);
                connected.SetResult(socket);
            }
            catch (Exception ex)
            {
                connected.SetException(ex);
            }
        });
        thread.Start();
        return connected.Task;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            for (var host = 0; host < _count; host++)
            {
                await KillEverythingOnAsync(host);
                await TryIpAsync("netns", "del", Namespace(host));
            }

            await TryIpAsync("link", "del", Bridge);
        }
        finally
        {
            OneAtATime.Release();
        }
    }

    private const int CloneNewNet = 0x40000000;

    [DllImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static extern int SetNetworkNamespace(IntPtr fd, int type);

    private string HostSide(int host) => $"{_tag}v{host}";

    private async Task CreateAsync()
    {
        await IpAsync("link", "add", Bridge, "type", "bridge");
        await IpAsync("addr", "add", $"{BridgeAddress}/24", "dev", Bridge);
        await IpAsync("link", "set", Bridge, "up");
        for (var host = 0; host < _count; host++)
        {
            var (inside, ns) = ($"{_tag}p{host}", Namespace(host));
            await IpAsync("netns", "add", ns);
            await IpAsync("link", "add", HostSide(host), "type", "veth", "peer", "name", inside);
            await IpAsync("link", "set", inside, "netns", ns);
            await IpAsync("link", "set", HostSide(host), "master", Bridge);
            await IpAsync("link", "set", HostSide(host), "up");
            await IpAsync("-n", ns, "addr", "add", $"{Address(host)}/24", "dev", inside);
            await IpAsync("-n", ns, "link", "set", inside, "up");
            await IpAsync("-n", ns, "link", "set", "lo", "up");
        }
    }

    /// <summary>The namespaces and bridges of test runs that are no longer alive.</summary>
    private static async Task RemoveLeftoversAsync()
    {
        foreach (var line in (await IpOutputAsync("netns", "list")).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = line.Split(' ')[0];
            if (TagPid(name) is { } pid && !IsAlive(pid))
            {
                foreach (var process in await ProcessesOfAsync(name))
                {
                    TryKill(process);
                }

                await TryIpAsync("netns", "del", name);
            }
        }

        foreach (var line in (await IpOutputAsync("-o", "link", "show", "type", "bridge")).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = line.Split(':', 3)[1].Trim();
            if (TagPid(name) is { } pid && !IsAlive(pid))
            {
                await TryIpAsync("link", "del", name);
            }
        }
    }

    private static int? TagPid(string name) =>
        name.StartsWith("ca", StringComparison.Ordinal) && int.TryParse(new string(name[2..].TakeWhile(char.IsDigit).ToArray()), out var pid) ? pid : null;

    private static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}");

    private static void TryKill(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill(entireProcessTree: true);
        }
        catch (ArgumentException)
        {
        }
    }

    private static async Task<List<int>> ProcessesOfAsync(string ns)
    {
        try
        {
            return (await IpOutputAsync("netns", "pids", ns)).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList();
        }
        catch (InvalidOperationException)
        {
            return [];
        }
    }

    private static async Task TryIpAsync(params string[] arguments)
    {
        try
        {
            await IpAsync(arguments);
        }
        catch (InvalidOperationException)
        {
            // Gone already.
        }
    }

    private static Task IpAsync(params string[] arguments) => IpOutputAsync(arguments);

    private static async Task<string> IpOutputAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        arguments.ToList().ForEach(start.ArgumentList.Add);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0
            ? await output
            : throw new InvalidOperationException($"ip {string.Join(' ', arguments)}: {(await errors).Trim()}");
    }
}
