using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;
using Akka.Hosting.Logging;
using Microsoft.Extensions.Logging;
using AkkaLogLevel = Akka.Event.LogLevel;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace ChatActors.Hosting.Logging;

/// <summary>
/// Akka's logger that hands every log event to the host's Microsoft.Extensions.Logging, under
/// the category of the class that logged it and with its message alone. Akka.Hosting's own
/// <c>LoggerFactoryLogger</c> logs every event under one category with Akka's long prefix, so
/// the node could neither keep its short lines nor tell its own lines from Akka's.
/// </summary>
public sealed class AkkaToMicrosoftLogging : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    public AkkaToMicrosoftLogging()
    {
        var loggers = Context.System.Settings.Setup.Get<LoggerFactorySetup>().Value.LoggerFactory;
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(logged => loggers
            .CreateLogger(logged.LogClass?.FullName ?? logged.LogSource)
            .Log(Level(logged.LogLevel()), default, logged.Message?.ToString() ?? string.Empty, logged.Cause, static (message, _) => message));
    }

    private static LogLevel Level(AkkaLogLevel level) => level switch
    {
        AkkaLogLevel.DebugLevel => LogLevel.Debug,
        AkkaLogLevel.InfoLevel => LogLevel.Information,
        AkkaLogLevel.WarningLevel => LogLevel.Warning,
        _ => LogLevel.Error,
    };
}
