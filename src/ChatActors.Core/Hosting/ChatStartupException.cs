namespace ChatActors.Hosting;

/// <summary>A node cannot start; the message is one line meant for the user who started it.</summary>
public sealed class ChatStartupException(string message, Exception? inner = null) : Exception(message, inner);
