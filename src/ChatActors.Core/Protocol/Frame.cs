namespace ChatActors.Protocol;

/// <summary>One client message cut out of the TCP byte stream.</summary>
public abstract record Frame;

/// <summary>A complete message, decoded as UTF-8, without its line end.</summary>
public sealed record TextFrame(string Text) : Frame;

/// <summary>A message over the configured size; its bytes were discarded.</summary>
public sealed record TooLongFrame : Frame
{
    public static readonly TooLongFrame Instance = new();
}

public enum FramingMode
{
    Undetected,
    /// <summary>Every <c>\n</c>-terminated line is one message (netcat, telnet, the project's client).</summary>
    Line,
    /// <summary>Every read is one message, split further at <c>\n</c> (the original Python client).</summary>
    Legacy,
}
