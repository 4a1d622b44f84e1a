namespace ChatActors.Hosting.Logging;

/// <summary>
/// The node's log line: time, level, message, on one line unless verbose. Akka puts a whole
/// exception, stack trace and all, into some messages (an association that failed), so those
/// are cut at their first line break.
/// </summary>
public static class ChatLogLine
{
    public static string Format(DateTime localTime, string level, string message, Exception? cause, bool withStackTrace)
    {
        var causeText = cause switch
        {
            null => string.Empty,
            _ when withStackTrace => $"\n{cause}",
            _ => $" ({cause.GetType().Name}: {FirstLine(cause.Message)})",
        };
        return $"{localTime:HH:mm:ss} [{level}] {(withStackTrace ? message : FirstLine(message))}{causeText}";
    }

    public static string Level(Microsoft.Extensions.Logging.LogLevel level) => level switch
    {
        Microsoft.Extensions.Logging.LogLevel.Trace or Microsoft.Extensions.Logging.LogLevel.Debug => "DEBUG",
        Microsoft.Extensions.Logging.LogLevel.Information => "INFO",
        Microsoft.Extensions.Logging.LogLevel.Warning => "WARNING",
        _ => "ERROR",
    };

    public static string Level(Akka.Event.LogLevel level) => level switch
    {
        Akka.Event.LogLevel.DebugLevel => "DEBUG",
        Akka.Event.LogLevel.InfoLevel => "INFO",
        Akka.Event.LogLevel.WarningLevel => "WARNING",
        _ => "ERROR",
    };

    private static string FirstLine(string text) => text.IndexOfAny(['\r', '\n']) is var end and >= 0 ? text[..end].TrimEnd() : text;
}
