using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ChatActors.Harness;

/// <summary>The node processes run.ps1 started, found by their command lines in /proc (Linux), and free port ranges for them.</summary>
public static class NodeProcesses
{
    /// <summary>Process ids of the nodes whose command line holds every one of <paramref name="arguments"/> as its own argument.</summary>
    public static List<int> Find(params string[] arguments)
    {
        var found = new List<int>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid))
            {
                continue;
            }

            string[] commandLine;
            try
            {
                commandLine = File.ReadAllText(Path.Combine(folder, "cmdline"), Encoding.UTF8).Split('\0');
            }
            catch (IOException)
            {
                continue;
            }

            if (commandLine.Any(part => part.EndsWith("ChatActors.Node.dll", StringComparison.Ordinal))
                && arguments.All(commandLine.Contains))
            {
                found.Add(pid);
            }
        }

        return found;
    }

    private const int FirstPort = 20_000;

    /// <summary>
    /// Where Linux starts handing out the local ports of outgoing connections (ip_local_port_range):
    /// a range below it cannot be taken by a client's connection while a node restarts on it.
    /// </summary>
    private const int EphemeralPorts = 32_768;

    /// <summary>
    /// The first of <paramref name="count"/> consecutive ports that nothing on 127.0.0.1 listens on
    /// right now, below the ports outgoing connections take.
    /// </summary>
    public static int FreeRange(int count)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var first = Random.Shared.Next(FirstPort, EphemeralPorts - count);
            if (Enumerable.Range(first, count).All(IsFree))
            {
                return first;
            }
        }

        throw new InvalidOperationException($"no {count} free consecutive ports");
    }

    private static bool IsFree(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
