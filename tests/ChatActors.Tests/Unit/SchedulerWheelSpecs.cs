using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Configuration;
using ChatActors.Hosting;

namespace ChatActors.Tests.Unit;

/// <summary>
/// A session that had a timer and then stopped must not stay in memory for long: a cancelled
/// timer holds its actor until the scheduler's wheel comes round to it (base.conf: 64 buckets of
/// 100 ms, so within 6.4 s; with Akka's 512, a 30 s timer held it until its 30 s were up).
/// </summary>
public class SchedulerWheelSpecs()
    : Akka.TestKit.Xunit2.TestKit(ConfigurationFactory.ParseString("akka.actor.provider = local").WithFallback(ChatConfig.LoadBase()))
{
    [Fact]
    public void A_stopped_actor_whose_30_s_timer_was_cancelled_is_let_go_long_before_the_30_s()
    {
        var stopped = StartTimerCancelAndStop();
        ExpectMsg(WaitsThenStops.Stopped);

        AwaitAssert(
            () =>
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                Assert.False(stopped.IsAlive);
            },
            TimeSpan.FromSeconds(15),
            TimeSpan.FromMilliseconds(250));
    }

    /// <summary>Not inlined, so that no reference to the actor outlives it on this stack.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private WeakReference StartTimerCancelAndStop()
    {
        var observer = TestActor;
        // Not watched and never a sender: the test kit would keep what it last received.
        var actor = Sys.ActorOf(Props.Create(() => new WaitsThenStops(observer)));
        return new WeakReference(actor);
    }

    /// <summary>
    /// Gives its client 30 s to join, as a new session does; the join comes a few ticks later
    /// (once the timer is in the wheel), the timer is cancelled, and the actor stops.
    /// </summary>
    private sealed class WaitsThenStops : ReceiveActor, IWithTimers
    {
        public const string Answer = "answer";
        public const string Stopped = "stopped";
        private readonly IActorRef _observer;

        public WaitsThenStops(IActorRef observer)
        {
            _observer = observer;
            Receive<string>(_ =>
            {
                Timers.Cancel("unjoined");
                Context.Stop(Self);
            });
        }

        public ITimerScheduler Timers { get; set; } = null!;

        protected override void PreStart()
        {
            Timers.StartSingleTimer("unjoined", "too late", TimeSpan.FromSeconds(30));
            Timers.StartSingleTimer("answer", Answer, TimeSpan.FromMilliseconds(500));
        }

        protected override void PostStop() => _observer.Tell(Stopped, ActorRefs.NoSender);
    }
}
