using Akka.Actor;
using ChatActors.Hosting;
using ChatActors.Stats;

namespace ChatActors.Tests.Support;

/// <summary>
/// Several real nodes in the test process, each its own ActorSystem on a free Akka.Remote
/// port of 127.0.0.1, forming one Akka cluster on one storage.db, as run.ps1's process
/// approach does with OS processes.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly string _dbPath = TestNode.NewDatabasePath();
    private readonly List<ChatNode> _nodes = [];

    public IReadOnlyList<ChatNode> Nodes => _nodes;

    /// <summary>Starts a node that joins the first one (or forms the cluster); it returns once its servers serve.</summary>
    public async Task<ChatNode> AddNodeAsync(int servers, int firstServer, int capacity = 100)
    {
        var seed = _nodes.Count == 0 ? string.Empty : $"{_nodes[0].Address.Host}:{_nodes[0].Address.Port}";
        var node = await TestNode.StartAsync(servers, capacity, $$"""
            chat-actors {
              approach = process
              first-server = {{firstServer}}
              seed-nodes = "{{seed}}"
            }
            """, _dbPath);
        _nodes.Add(node);
        return node;
    }

    public static async Task<StatsSnapshot> StatsAsync(ChatNode node) =>
        await node.Stats.Ask<StatsSnapshot>(GetStats.Instance, TimeSpan.FromSeconds(5));

    public async ValueTask DisposeAsync()
    {
        // Younger nodes first, so the singletons do not move more than once.
        foreach (var node in Enumerable.Reverse(_nodes))
        {
            await node.DisposeAsync();
        }
    }
}
