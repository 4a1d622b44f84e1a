using System.Text;
using ChatActors.Balancer;
using ChatActors.Names;

namespace ChatActors.Protocol;

/// <summary>Every text ChatActors writes to a TCP client, byte for byte as PROTOCOL.md says.</summary>
public static class Wire
{
    public const string NoServerAvailable = "SNA wait";
    public const string ServerBusy = "Server busy, try after 5 mins!\n";
    public const string JoinFirst = "ERROR join first: send \"NAME joined the server\"\n";
    public const string LineTooLong = "ERROR line too long\n";
    public const string InvalidRating = "ERROR rating must be a number from 1 to 5\n";
    public const string JoinFailed = "ERROR join failed, try again\n";
    public const string TooManyConnections = "ERROR too many connections from your address\n";
    public const string Flooding = "ERROR flooding: sending faster than allowed for too long, disconnected\n";
    public const string GoingDown = "Server going down: connect again through the balancer\n";

    /// <summary>The balancer's reply: a Python tuple literal that the original client <c>eval</c>s.</summary>
    public static string ServerAddress(string host, int port) => $"('{host}', {port})";

    public static string Greeting(string serverName) => serverName + "\n";

    public static string NameInUse(string name) => $"ERROR name in use: {name}\n";

    /// <summary>To a connection that did not join in time, just before it is closed.</summary>
    public static string NoJoinWithin(TimeSpan timeout) => $"ERROR no join within {timeout.TotalSeconds:0.###} s, closing\n";

    public static string JoinLine(string name) => $"{name} joined the server";

    public static string ExitLine(string name) => $"{name} exited the server";

    public static byte[] Encode(string text) => Encoding.UTF8.GetBytes(text);

    public static byte[] EncodeLine(string line) => Encoding.UTF8.GetBytes(line + "\n");
}
