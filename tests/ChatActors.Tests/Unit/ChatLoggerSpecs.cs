using Akka.Event;
using ChatActors.Hosting.Logging;
using Microsoft.Extensions.Logging;

namespace ChatActors.Tests.Unit;

public class ChatLoggerSpecs
{
    /// <summary>What Akka.Remote logs when an association fails: the exception's text, stack trace and all, inside the message.</summary>
    private static readonly Warning AssociationFailed = new(
        "remoting",
        typeof(ChatLoggerSpecs),
        "Association with remote system akka.tcp://ChatActors@127.0.0.1:5001 has failed; address is now gated for 5000 ms. Reason: [Akka.Remote.EndpointDisassociatedException: Disassociated\n   at Akka.Remote.EndpointWriter.PublishAndThrow(Exception reason, LogLevel level, Boolean needToThrow)\n   at Akka.Remote.EndpointWriter.Unhandled(Object message)]");

    [Fact]
    public void A_message_with_a_stack_trace_in_it_is_one_line_unless_verbose()
    {
        var line = QuietStdoutLogger.Line(AssociationFailed, withStackTrace: false);

        Assert.DoesNotContain('\n', line);
        Assert.EndsWith("[WARNING] Association with remote system akka.tcp://ChatActors@127.0.0.1:5001 has failed; address is now gated for 5000 ms. Reason: [Akka.Remote.EndpointDisassociatedException: Disassociated", line);
        Assert.Contains("at Akka.Remote.EndpointWriter", QuietStdoutLogger.Line(AssociationFailed, withStackTrace: true));
    }

    /// <summary>ChatActors' own lines always; Akka's and the host's below a warning only when verbose; the host's failed start never (the node says it in one line).</summary>
    [Theory]
    [InlineData("ChatActors.Server.ServerActor", Microsoft.Extensions.Logging.LogLevel.Information, false, true)]
    [InlineData("Akka.Remote.Remoting", Microsoft.Extensions.Logging.LogLevel.Information, false, false)]
    [InlineData("Akka.Remote.Remoting", Microsoft.Extensions.Logging.LogLevel.Warning, false, true)]
    [InlineData("Akka.Remote.Remoting", Microsoft.Extensions.Logging.LogLevel.Information, true, true)]
    [InlineData("Microsoft.Extensions.Hosting.Internal.Host", Microsoft.Extensions.Logging.LogLevel.Error, false, false)]
    [InlineData("Akka.Hosting.AkkaHostedService", Microsoft.Extensions.Logging.LogLevel.Critical, false, false)]
    public void The_log_shows_chat_actors_lines_and_others_warnings_unless_verbose(string category, Microsoft.Extensions.Logging.LogLevel level, bool verbose, bool shown)
    {
        using var loggers = LoggerFactory.Create(logging => logging.AddChatLines(verbose));
        Assert.Equal(shown, loggers.CreateLogger(category).IsEnabled(level));
    }
}
