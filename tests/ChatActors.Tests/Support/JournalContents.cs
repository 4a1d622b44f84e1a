using Akka.Persistence;
using Akka.TestKit;

namespace ChatActors.Tests.Support;

/// <summary>What the actor system's default journal still holds, read as a recovery would read it.</summary>
public static class JournalContents
{
    public static List<long> SequenceNrs(TestKitBase kit, string persistenceId)
    {
        var replay = kit.CreateTestProbe();
        Persistence.Instance.Apply(kit.Sys).JournalFor(null).Tell(new ReplayMessages(1, long.MaxValue, long.MaxValue, persistenceId, replay), replay);
        var sequenceNrs = new List<long>();
        replay.FishForMessage(message =>
        {
            if (message is ReplayedMessage replayed)
            {
                sequenceNrs.Add(replayed.Persistent.SequenceNr);
            }

            return message is RecoverySuccess;
        });
        return sequenceNrs;
    }
}
