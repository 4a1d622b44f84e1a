using System.Globalization;

namespace ChatActors.Client;

/// <param name="Name">Skips the name prompt; null: ask (plain mode: the first line of stdin).</param>
/// <param name="RetryDelay">How long to wait after <c>SNA wait</c> before asking the balancer once more.</param>
/// <param name="ReconnectWithin">How long to try to come back after the server went away mid-chat; zero: not at all.</param>
public sealed record ClientOptions(string Host, int Port, string? Name, TimeSpan RetryDelay, TimeSpan ReconnectWithin)
{
    public const string Usage = """
        ChatActors client: asks the balancer for a server, joins it and chats.

          dotnet run --project src/ChatActors.Client -- [options]

          --host HOST          the balancer's host (default 127.0.0.1)
          --port PORT          the balancer's port (default 12345)
          --name NAME          your name (default: asked for)
          --retry-delay S      seconds to wait when every server is busy before asking once more (default 10)
          --reconnect-within S seconds to keep trying to come back when the server goes away (default 60, 0: never)

        In a terminal it opens a chat window: type and press Enter to send, Esc (or /quit) to
        finish with a rating. When stdin or stdout is not a terminal it runs in plain mode for
        scripts: each stdin line is sent as typed (the first is the name when --name is not
        given), each line from the server is printed as is, status and errors go to stderr,
        and the end of stdin leaves with "stop".
        When the server goes away mid-chat, the client asks the balancer again (pausing a little
        longer each time, and asking anew when an answer takes over 10 s) and joins another
        server under the same name (another one if it stays taken for 20 s, and it says so);
        what was typed meanwhile is sent once it is back.
        Exit codes: 0 left the chat, 1 the server went away and no other could be had,
        2 bad options, 3 no server to be had.
        """;

    /// <summary>The options, or null after printing why they are wrong (or the usage, for --help).</summary>
    public static ClientOptions? Parse(IReadOnlyList<string> args, TextWriter errors)
    {
        if (args.Any(arg => arg is "--help" or "-h" or "-?"))
        {
            errors.WriteLine(Usage);
            return null;
        }

        var options = new ClientOptions("127.0.0.1", 12345, null, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60));
        for (var i = 0; i < args.Count; i += 2)
        {
            var (option, value) = (args[i], i + 1 < args.Count ? args[i + 1] : null);
            ClientOptions? next = (option, value) switch
            {
                (_, null) => null,
                ("--host", { Length: > 0 } host) => options with { Host = host },
                ("--port", var port) when int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is >= 1 and <= 65535 => options with { Port = number },
                ("--name", { Length: > 0 } name) => options with { Name = name },
                ("--retry-delay", var delay) when Seconds(delay) is { } seconds => options with { RetryDelay = seconds },
                ("--reconnect-within", var within) when Seconds(within) is { } seconds => options with { ReconnectWithin = seconds },
                _ => null,
            };
            if (next is null)
            {
                var given = value is null ? option : $"{option} {value}";
                errors.WriteLine($"ChatActors client: \"{given}\" is not a valid option and value (--help lists them)");
                return null;
            }

            options = next;
        }

        return options;
    }

    private static TimeSpan? Seconds(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds is >= 0 and <= 86_400
            ? TimeSpan.FromSeconds(seconds)
            : null;
}
