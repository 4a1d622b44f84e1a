using System.Threading.Channels;

namespace ChatActors.Soak;

/// <summary>
/// Reads everything a misbehaving client is sent, as it must to stay connected while it
/// misbehaves otherwise: it keeps the <c>ERROR</c> lines it gets and the lines that carry
/// its own name, and ends when the server closes the connection.
/// </summary>
public sealed class Drain
{
    private readonly Channel<string> _errors = Channel.CreateUnbounded<string>();
    private readonly string _ownPrefix;

    private Drain(LineConnection connection, string name)
    {
        _ownPrefix = name + " : ";
        Completion = ReadAsync(connection);
    }

    /// <summary>Done when the server has closed the connection.</summary>
    public Task Completion { get; }

    public List<string> OwnLines { get; } = [];

    public static Drain Start(LineConnection connection, string name) => new(connection, name);

    /// <summary>The next error line, or null when none comes within <paramref name="timeout"/> (or the connection closed first).</summary>
    public async Task<string?> NextErrorAsync(TimeSpan timeout)
    {
        using var expiry = new CancellationTokenSource(timeout);
        try
        {
            return await _errors.Reader.WaitToReadAsync(expiry.Token) && _errors.Reader.TryRead(out var error) ? error : null;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>True once a line of its own that <paramref name="matches"/> has come back, false if none within <paramref name="timeout"/>.</summary>
    public async Task<bool> OwnLineAsync(Func<string, bool> matches, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !Completion.IsCompleted)
        {
            lock (OwnLines)
            {
                if (OwnLines.Any(matches))
                {
                    return true;
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }

        lock (OwnLines)
        {
            return OwnLines.Any(matches);
        }
    }

    /// <summary>Errors not read yet.</summary>
    public List<string> PendingErrors()
    {
        var errors = new List<string>();
        while (_errors.Reader.TryRead(out var error))
        {
            errors.Add(error);
        }

        return errors;
    }

    private async Task ReadAsync(LineConnection connection)
    {
        try
        {
            while (await connection.ReadLineAsync(TimeSpan.FromHours(1)) is { } line)
            {
                if (line.StartsWith("ERROR", StringComparison.Ordinal))
                {
                    _errors.Writer.TryWrite(line);
                }
                else if (line.StartsWith(_ownPrefix, StringComparison.Ordinal))
                {
                    lock (OwnLines)
                    {
                        OwnLines.Add(line);
                    }
                }
            }
        }
        catch (ObjectDisposedException)
        {
            // The client itself closed the connection.
        }
        finally
        {
            _errors.Writer.TryComplete();
        }
    }
}
