using Akka.Event;
using ChatActors.Hosting.Logging;

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
}
