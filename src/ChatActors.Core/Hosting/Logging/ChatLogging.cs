using Microsoft.Extensions.Logging;

namespace ChatActors.Hosting.Logging;

public static class ChatLogging
{
    /// <summary>
    /// The node's log on the console (and whatever the console goes to), one short
    /// <see cref="ChatLogLine"/> per entry. ChatActors says itself what a user needs to know about
    /// the cluster; Akka's own INFO and DEBUG chatter (start-up, remoting, membership details) and
    /// the host's only with <paramref name="verbose"/>.
    /// </summary>
    public static ILoggingBuilder AddChatLines(this ILoggingBuilder logging, bool verbose)
    {
        logging.SetMinimumLevel(LogLevel.Debug);
        logging.AddConsole(options => options.FormatterName = ChatLineFormatter.FormatterName)
            .AddConsoleFormatter<ChatLineFormatter, ChatLineFormatterOptions>(options => options.Verbose = verbose);
        return logging.AddFilter((category, level) => verbose || IsChatActors(category) ? level >= LogLevel.Debug : level >= LogLevel.Warning && !IsHost(category));
    }

    private static bool IsChatActors(string? category) => category?.StartsWith("ChatActors", StringComparison.Ordinal) == true;

    /// <summary>The host's and Akka.Hosting's own lines about a start that failed: the node program says it in one line.</summary>
    private static bool IsHost(string? category) =>
        category?.StartsWith("Microsoft.", StringComparison.Ordinal) == true || category?.StartsWith("Akka.Hosting", StringComparison.Ordinal) == true;
}
