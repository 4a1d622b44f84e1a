using System.Net;
using System.Net.Sockets;

namespace ChatActors.Tests.Support;

/// <summary>Two connected sockets on 127.0.0.1: one for the actor under test, one for the test's client.</summary>
public static class LoopbackPair
{
    public static async Task<(Socket ServerSide, ChatClient Client)> CreateAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var accepting = listener.AcceptAsync();
        var client = await ChatClient.ConnectAsync(((IPEndPoint)listener.LocalEndPoint!).Port);
        return (await accepting, client);
    }
}
