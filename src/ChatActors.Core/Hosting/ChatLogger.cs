using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;

namespace ChatActors.Hosting;

/// <summary>
/// The node program's logger: one short line per event (time, level, message), and Akka's own
/// INFO and DEBUG chatter (start-up, remoting, membership details) only with <c>chat-actors.verbose</c>,
/// since ChatActors logs what a user needs to know about the cluster itself.
/// </summary>
public sealed class ChatLogger : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    public const string ConfigLine = "akka.loggers = [\"ChatActors.Hosting.ChatLogger, ChatActors.Core\"]";

    public ChatLogger()
    {
        var verbose = Context.System.Settings.Config.GetBoolean($"{ChatOptions.Section}.verbose", false);
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(logged =>
        {
            if (verbose || logged.LogLevel() >= LogLevel.WarningLevel || IsChatActors(logged))
            {
                Console.WriteLine(Line(logged, verbose));
            }
        });
    }

    /// <summary>
    /// One line unless <paramref name="withStackTrace"/>: Akka puts a whole exception, stack
    /// trace and all, into some messages (an association that failed), so those are cut at their
    /// first line break.
    /// </summary>
    public static string Line(LogEvent logged, bool withStackTrace)
    {
        var cause = logged.Cause switch
        {
            null => string.Empty,
            { } exception when withStackTrace => $"\n{exception}",
            { } exception => $" ({exception.GetType().Name}: {FirstLine(exception.Message)})",
        };
        var message = logged.Message?.ToString() ?? string.Empty;
        return $"{logged.Timestamp.ToLocalTime():HH:mm:ss} [{Level(logged.LogLevel())}] {(withStackTrace ? message : FirstLine(message))}{cause}";
    }

    private static string FirstLine(string text) => text.IndexOfAny(['\r', '\n']) is var end and >= 0 ? text[..end].TrimEnd() : text;

    private static bool IsChatActors(LogEvent logged) => logged.LogClass?.Namespace?.StartsWith("ChatActors", StringComparison.Ordinal) == true;

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.DebugLevel => "DEBUG",
        LogLevel.InfoLevel => "INFO",
        LogLevel.WarningLevel => "WARNING",
        _ => "ERROR",
    };
}
