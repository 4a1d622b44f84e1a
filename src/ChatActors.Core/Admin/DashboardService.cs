using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Hosting;
using ChatActors.Live;
using ChatActors.Stats;
using Microsoft.Extensions.Hosting;

namespace ChatActors.Admin;

/// <summary>Feeds the dashboard while the node runs: a live view of the whole cluster on this node, and a point of the charts every second.</summary>
public sealed class DashboardService(ActorSystem system, IRequiredActor<StatsActor> stats, DashboardFeed feed, TimeProvider clock) : BackgroundService
{
    private static readonly TimeSpan SampleEvery = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        IActorRef? view = null;
        try
        {
            // Akka.Hosting starts its actors beside this service: the stats proxy may come a moment later.
            view = system.ActorOf(LiveViewActor.Props(DistributedPubSub.Get(system).Mediator, await stats.GetAsync(stoppingToken), feed), "dashboard");
            using var ticks = new PeriodicTimer(SampleEvery, clock);
            while (await ticks.WaitForNextTickAsync(stoppingToken))
            {
                feed.Sample(clock.GetUtcNow());
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            if (view is not null)
            {
                system.Stop(view);
            }
        }
    }
}
