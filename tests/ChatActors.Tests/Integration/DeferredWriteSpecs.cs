using Akka.Actor;
using Akka.Persistence;
using ChatActors.Tests.Support;

namespace ChatActors.Tests.Integration;

/// <summary>
/// The stats actor defers a flush behind the counts it is journaling (a node that stops asks it
/// to). When those counts went to the journal in the batch before, the flush reaches the journal
/// as a batch with nothing to write; the journal must answer it and go on writing, or every
/// count after it waits forever (a rolling restart once hung so).
/// </summary>
public class DeferredWriteSpecs
{
    [Fact]
    public async Task A_deferred_handler_alone_in_its_batch_runs_and_the_journal_goes_on_writing()
    {
        await using var node = await TestNode.StartAsync(servers: 1);
        var done = new TaskCompletionSource<IReadOnlyList<string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        node.System.ActorOf(Props.Create(() => new PersistThenDefer(done)));

        var handled = await done.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(["persisted first", "deferred", "persisted second"], handled);
    }

    /// <summary>Persists one event, defers a handler from the next message while that write is in flight, then persists again.</summary>
    private sealed class PersistThenDefer : ReceivePersistentActor
    {
        private readonly List<string> _handled = [];

        public PersistThenDefer(TaskCompletionSource<IReadOnlyList<string>> done)
        {
            Recover<string>(_ => { });
            Command<Start>(_ =>
            {
                PersistAsync("first", _ => _handled.Add("persisted first"));
                Self.Tell(Defer.Instance);
            });
            Command<Defer>(_ => DeferAsync("deferred", _ =>
            {
                _handled.Add("deferred");
                PersistAsync("second", _ =>
                {
                    _handled.Add("persisted second");
                    done.TrySetResult(_handled);
                });
            }));
        }

        public override string PersistenceId { get; } = "deferred-write-" + Guid.NewGuid().ToString("N");

        protected override void OnReplaySuccess() => Self.Tell(Start.Instance);

        private sealed record Start
        {
            public static readonly Start Instance = new();
        }

        private sealed record Defer
        {
            public static readonly Defer Instance = new();
        }
    }
}
