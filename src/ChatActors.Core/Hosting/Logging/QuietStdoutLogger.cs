using Akka.Event;

namespace ChatActors.Hosting.Logging;

/// <summary>
/// Akka's logger of last resort (before the node's logger starts and after it stops), for a
/// node that is not verbose: warnings and errors only, in the same short lines. Akka's own one
/// printed its INFO lines of the shutdown (<c>Remoting shut down</c>) whatever
/// <c>stdout-loglevel</c> said.
/// </summary>
public sealed class QuietStdoutLogger : MinimalLogger
{
    public const string ConfigLine = "akka.stdout-logger-class = \"ChatActors.Hosting.Logging.QuietStdoutLogger, ChatActors.Core\"";

    protected override void Log(object message)
    {
        if (message is LogEvent logged && logged.LogLevel() >= LogLevel.WarningLevel)
        {
            Console.WriteLine(Line(logged, withStackTrace: false));
        }
    }

    public static string Line(LogEvent logged, bool withStackTrace) => ChatLogLine.Format(
        logged.Timestamp.ToLocalTime(),
        ChatLogLine.Level(logged.LogLevel()),
        logged.Message?.ToString() ?? string.Empty,
        logged.Cause,
        withStackTrace);
}
