using System.Diagnostics;
using ChatActors.Client;

namespace ChatActors.Tests.Support;

/// <summary>
/// A person at the project's client (<see cref="ChatActors.Client.ChatClient"/>) who says a line
/// every so often until <paramref name="leave"/>, then leaves; it notes every time its server
/// went away and how long the client took to be back.
/// </summary>
public sealed class ChattingConsole(string name, TimeSpan sayEvery, CancellationToken leave) : IClientConsole
{
    private readonly Lock _lock = new();
    private readonly List<TimeSpan> _outages = [];
    private readonly List<string> _errors = [];
    private readonly List<string> _statuses = [];
    private readonly Stopwatch _away = new();

    public string Name => name;

    /// <summary>From each close of its server to its join on the next.</summary>
    public IReadOnlyList<TimeSpan> Outages
    {
        get
        {
            lock (_lock)
            {
                return [.. _outages];
            }
        }
    }

    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_lock)
            {
                return [.. _errors];
            }
        }
    }

    /// <summary>The joins this client saw: its first and one after each outage.</summary>
    public int Joins => 1 + Outages.Count;

    /// <summary>What the client said, each with the time it said it: what a person at it would have read.</summary>
    public IReadOnlyList<string> Statuses
    {
        get
        {
            lock (_lock)
            {
                return [.. _statuses];
            }
        }
    }

    public void Status(string message)
    {
        lock (_lock)
        {
            _statuses.Add($"{DateTime.Now:HH:mm:ss.fff} {message}");
            if (message.StartsWith("The server closed the connection", StringComparison.Ordinal))
            {
                _away.Restart();
            }
            else if (message.StartsWith("Back on", StringComparison.Ordinal))
            {
                _outages.Add(_away.Elapsed);
            }
        }
    }

    public void Error(string message)
    {
        lock (_lock)
        {
            _errors.Add(message);
        }
    }

    public string? AskName(string? why) => name;

    public void Show(string line)
    {
    }

    public async Task ChatAsync(string title, Func<string, Task> send, CancellationToken serverGone)
    {
        using var over = CancellationTokenSource.CreateLinkedTokenSource(serverGone, leave);
        try
        {
            while (true)
            {
                await Task.Delay(sayEvery, over.Token);
                await send($"{name} is still here");
            }
        }
        catch (OperationCanceledException)
        {
            // Asked to leave, or the chat is over.
        }
    }

    public string AskLeave() => "stop";
}
