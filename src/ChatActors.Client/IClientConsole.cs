namespace ChatActors.Client;

/// <summary>What the person (or the script) at the client sees and types; the conversation itself is <see cref="ChatClient"/>'s.</summary>
public interface IClientConsole
{
    /// <summary>A line about how things go (connected, every server busy, ...).</summary>
    void Status(string message);

    void Error(string message);

    /// <summary>The name to join with; null when there is none (stdin ended). <paramref name="why"/> says why it is asked again.</summary>
    string? AskName(string? why);

    /// <summary>A line the server sent; called from the reading thread while the chat runs.</summary>
    void Show(string line);

    /// <summary>
    /// Takes what the user enters and hands each line to <paramref name="send"/>, until the user
    /// finishes or <paramref name="serverGone"/> is cancelled (the server closed the connection).
    /// </summary>
    Task ChatAsync(string title, Func<string, Task> send, CancellationToken serverGone);

    /// <summary>The leave to send when the user finishes without having typed one: <c>stop RATING</c> or <c>stop</c>.</summary>
    string AskLeave();
}
