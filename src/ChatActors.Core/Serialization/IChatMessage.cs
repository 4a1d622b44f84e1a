namespace ChatActors.Serialization;

/// <summary>
/// Marks every message that may cross nodes, so one serializer binding covers them all
/// (see <see cref="Serialization.ChatSerializer"/>); nothing falls back to Akka's JSON default.
/// </summary>
public interface IChatMessage;
