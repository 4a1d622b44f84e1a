using Akka.Actor;
using Akka.Cluster;

namespace ChatActors.Hosting;

public static class ClusterJoin
{
    /// <summary>
    /// Returns once this node is up in its cluster. With no seed nodes it forms a cluster of its
    /// own; with seeds, Akka joins them by itself (the first seed forms the cluster when no other
    /// seed answers), and this waits for it.
    /// </summary>
    /// <param name="stopping">Ctrl+C before the node is up: it stops waiting and throws <see cref="OperationCanceledException"/>.</param>
    public static async Task JoinAsync(ActorSystem system, IReadOnlyList<string> seedNodes, TimeSpan within, CancellationToken stopping)
    {
        var cluster = Cluster.Get(system);
        using var joining = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        joining.CancelAfter(within);
        try
        {
            if (seedNodes.Count == 0)
            {
                await cluster.JoinAsync(cluster.SelfAddress, joining.Token);
                return;
            }

            var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            cluster.RegisterOnMemberUp(up.SetResult);
            await up.Task.WaitAsync(joining.Token);
        }
        catch (Exception ex) when (!stopping.IsCancellationRequested)
        {
            var clusterText = seedNodes.Count == 0 ? "its own cluster" : $"the cluster at {string.Join(", ", seedNodes)}";
            throw new ChatStartupException($"the node could not join {clusterText}: {ex.GetBaseException().Message}", ex);
        }
    }
}
