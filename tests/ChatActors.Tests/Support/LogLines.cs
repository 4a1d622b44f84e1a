using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Event;

namespace ChatActors.Tests.Support;

/// <summary>Collects the log lines of a running node's actor system that contain a text, as a user watching its log would see them.</summary>
public static class LogLines
{
    public static ConcurrentQueue<string> Collect(ActorSystem system, string containing)
    {
        var lines = new ConcurrentQueue<string>();
        var collector = system.ActorOf(Props.Create(() => new Collector(lines, containing)));
        system.EventStream.Subscribe(collector, typeof(LogEvent));
        return lines;
    }

    private sealed class Collector : ReceiveActor
    {
        public Collector(ConcurrentQueue<string> lines, string containing) =>
            Receive<LogEvent>(log =>
            {
                var text = log.ToString();
                if (text.Contains(containing, StringComparison.Ordinal))
                {
                    lines.Enqueue(text);
                }
            });
    }
}
