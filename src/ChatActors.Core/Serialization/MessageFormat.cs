using Akka.Actor;

namespace ChatActors.Serialization;

/// <summary>How one message type is written and read, under its manifest.</summary>
internal interface IFormat
{
    string Manifest { get; }

    void Write(MessageWriter writer, object message);

    object Read(MessageReader reader);
}

internal sealed record Format<T>(string Manifest, Action<MessageWriter, T> WriteFields, Func<MessageReader, T> ReadFields) : IFormat
    where T : notnull
{
    public void Write(MessageWriter writer, object message) => WriteFields(writer, (T)message);

    public object Read(MessageReader reader) => ReadFields(reader);
}

/// <summary>The fields of a ChatActors message, in the order its format gives them.</summary>
internal sealed class MessageWriter(Stream stream) : BinaryWriter(stream)
{
    public void Int(int value) => Write(value);

    public void Bool(bool value) => Write(value);

    public void Long(long value) => Write(value);

    public void Double(double value) => Write(value);

    public void String(string value) => Write(value);

    public void Bytes(byte[] value)
    {
        Write7BitEncodedInt(value.Length);
        Write(value);
    }

    /// <summary>Wall-clock time as the node saw it: its ticks, without a time zone.</summary>
    public void Time(DateTime value) => Write(value.Ticks);

    public void Rating(double? rating)
    {
        Write(rating.HasValue);
        if (rating.HasValue)
        {
            Write(rating.Value);
        }
    }

    /// <summary>The full address of an actor, or an empty string for none.</summary>
    public void Ref(IActorRef actor) =>
        Write(actor.IsNobody() ? string.Empty : Akka.Serialization.Serialization.SerializedActorPath(actor));
}

/// <summary>Reads what <see cref="MessageWriter"/> wrote, resolving actor paths in <paramref name="system"/>.</summary>
internal sealed class MessageReader(Stream stream, ExtendedActorSystem system) : BinaryReader(stream)
{
    public int Int() => ReadInt32();

    public bool Bool() => ReadBoolean();

    public long Long() => ReadInt64();

    public double Double() => ReadDouble();

    public string String() => ReadString();

    public byte[] Bytes() => ReadBytes(Read7BitEncodedInt());

    public DateTime Time() => new(ReadInt64(), DateTimeKind.Unspecified);

    public double? Rating() => ReadBoolean() ? ReadDouble() : null;

    public IActorRef Ref()
    {
        var path = ReadString();
        return path.Length == 0 ? ActorRefs.Nobody : system.Provider.ResolveActorRef(path);
    }
}
