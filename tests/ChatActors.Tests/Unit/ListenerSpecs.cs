using System.Net;
using System.Net.Sockets;
using ChatActors.Net;

namespace ChatActors.Tests.Unit;

public class ListenerSpecs
{
    /// <summary>
    /// The clients of a burst that the listener's queue cannot hold get no answer to their
    /// connect until they try again a second later; 1,000 is the benchmark's burst of joins.
    /// </summary>
    [Fact]
    public async Task A_listener_holds_a_burst_of_a_thousand_connections_that_nobody_has_accepted_yet()
    {
        const int Burst = 1000;
        using var listener = Ports.Listen("127.0.0.1", 0, shared: false);
        var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        var clients = new List<Socket>();
        try
        {
            for (var i = 0; i < Burst; i++)
            {
                var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                clients.Add(client);
                using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await client.ConnectAsync(IPAddress.Loopback, port, patience.Token);
            }

            Assert.Equal(Burst, clients.Count(client => client.Connected));
        }
        finally
        {
            clients.ForEach(client => client.Dispose());
        }
    }
}
