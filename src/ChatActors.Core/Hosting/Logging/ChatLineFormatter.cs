using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace ChatActors.Hosting.Logging;

public sealed class ChatLineFormatterOptions : ConsoleFormatterOptions
{
    /// <summary>Whole messages and exceptions with their stack traces, not just their first line.</summary>
    public bool Verbose { get; set; }
}

/// <summary>Writes every log entry of the node as one <see cref="ChatLogLine"/>.</summary>
public sealed class ChatLineFormatter(IOptionsMonitor<ChatLineFormatterOptions> options) : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "chat-line";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        textWriter.WriteLine(ChatLogLine.Format(DateTime.Now, ChatLogLine.Level(logEntry.LogLevel), message, logEntry.Exception, options.CurrentValue.Verbose));
    }
}
