using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.Pattern;
using ChatActors.Server;
using ChatActors.Stats;

namespace ChatActors.Hosting;

/// <summary>
/// The node's part of Akka's coordinated shutdown: first close the listeners and end the
/// sessions (each leave journaled before its connection closes; on a node the cluster downed,
/// at once), then, on a storage node, wait until every counted event is in storage.db.
/// </summary>
public static class NodeShutdown
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(10);

    public static void Register(ActorSystem system, IActorRef? edge, IReadOnlyList<IActorRef> servers, IActorRef? stats)
    {
        var shutdown = CoordinatedShutdown.Get(system);
        shutdown.AddTask(CoordinatedShutdown.PhaseServiceUnbind, "close-listeners", async () =>
        {
            // A node the cluster downed is out of it already: elsewhere its clients' names are free
            // and its servers forgotten, and nothing it counts now would count. Its clients are
            // closed at once (they come back through the balancer), not each after a leave.
            var downed = shutdown.ShutdownReason is CoordinatedShutdown.ClusterDowningReason;
            var stopping = servers.Select(server => StopAsync(system, server, downed ? PoisonPill.Instance : StopServing.Instance)).ToList();
            if (edge is not null)
            {
                stopping.Add(StopAsync(system, edge, PoisonPill.Instance));
            }

            await Task.WhenAll(stopping);
            return Done.Instance;
        });
        if (stats is not null)
        {
            shutdown.AddTask(CoordinatedShutdown.PhaseBeforeClusterShutdown, "flush-storage", () => FlushAsync(system, stats));
        }
    }

    private static async Task StopAsync(ActorSystem system, IActorRef actor, object stopMessage)
    {
        try
        {
            await actor.GracefulStop(StopTimeout, stopMessage);
        }
        catch (TaskCanceledException)
        {
            system.Log.Warning("{0} did not stop within {1}", actor.Path.Name, StopTimeout);
        }
    }

    private static async Task<Done> FlushAsync(ActorSystem system, IActorRef stats)
    {
        var flushed = false;
        try
        {
            flushed = await stats.Ask<object>(FlushStats.Instance, FlushTimeout) is StorageFlushed;
        }
        catch (AskTimeoutException)
        {
        }

        if (!flushed)
        {
            // The writer flushes again when its singleton stops, and a writer that starts catches up from the journal.
            system.Log.Warning("storage.db was not flushed within {0}; the next start catches up from the journal", FlushTimeout);
        }

        return Done.Instance;
    }
}
