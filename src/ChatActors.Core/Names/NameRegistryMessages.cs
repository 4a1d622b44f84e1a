using ChatActors.Serialization;
namespace ChatActors.Names;

/// <summary>A session asks to own a name; the registry watches the sender and frees the name when it stops.</summary>
public sealed record ClaimName(string Name) : IChatMessage;

public sealed record NameClaimed(string Name) : IChatMessage;

public sealed record NameInUse(string Name) : IChatMessage;

public sealed record ReleaseName(string Name) : IChatMessage;
