using System.Globalization;
using System.Net;

namespace ChatActors.Soak;

/// <summary>
/// A well-behaved client: joins, says a numbered line now and then, reads everything, and
/// leaves with a rating at the end. It checks that it receives every line of every other
/// well-behaved client once and in order, that no line carries a control character, and
/// that it is never cut off or told an error.
/// </summary>
public sealed class GoodClient(int id, int wellBehaved, IPAddress address, ChatMoves moves)
{
    private const string Padding = "the quick brown fox jumps";
    private readonly long[] _nextExpected = Enumerable.Repeat(1L, wellBehaved).ToArray();
    private volatile bool _leaving;
    private LineConnection? _connection;
    private Task _reading = Task.CompletedTask;
    private long _sent;

    public static string NameOf(int id) => $"g{id}";

    public int Id => id;

    public string Name => NameOf(id);

    public long Sent => Interlocked.Read(ref _sent);

    public double Rating => 1 + (id % 5);

    public async Task<bool> JoinAsync()
    {
        _connection = await moves.JoinAsync(address, Name);
        if (_connection is null)
        {
            return false;
        }

        _reading = ReadAsync(_connection);
        return true;
    }

    /// <summary>Says a line every <paramref name="interval"/> (the first at a random point of it) until <paramref name="stop"/>.</summary>
    public async Task ChatAsync(TimeSpan interval, CancellationToken stop)
    {
        try
        {
            await Task.Delay(interval * Random.Shared.NextDouble(), stop);
            while (!stop.IsCancellationRequested)
            {
                var seq = _sent + 1;
                await _connection!.SendLineAsync(string.Create(CultureInfo.InvariantCulture, $"{Name} : {seq} {Padding}"));
                Interlocked.Exchange(ref _sent, seq);
                await Task.Delay(interval, stop);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>True once it has every line the others (and it) sent.</summary>
    public bool HasReceivedAll(IReadOnlyList<GoodClient> everyone) =>
        everyone.All(sender => Volatile.Read(ref _nextExpected[sender.Id]) == sender.Sent + 1);

    /// <summary>The lines it misses, per sender, for the report.</summary>
    public IEnumerable<string> Missing(IReadOnlyList<GoodClient> everyone) =>
        everyone.Where(sender => Volatile.Read(ref _nextExpected[sender.Id]) != sender.Sent + 1)
            .Select(sender => $"{Name} has {Volatile.Read(ref _nextExpected[sender.Id]) - 1} of {sender.Sent} lines of {sender.Name}");

    /// <summary>Sends <c>stop RATING</c>; the server has counted the leave once it closes the connection.</summary>
    public async Task LeaveAsync()
    {
        _leaving = true;
        await _connection!.SendLineAsync(FormattableString.Invariant($"stop {Rating}"));
        await _reading.WaitAsync(ChatMoves.Patience);
        moves.Tally.LeftRated(Rating);
        await _connection.DisposeAsync();
    }

    private async Task ReadAsync(LineConnection connection)
    {
        while (await connection.ReadLineAsync(TimeSpan.FromHours(1)) is { } line)
        {
            Check(line);
        }

        if (!_leaving)
        {
            moves.Tally.Problem("well-behaved client cut off", Name);
        }
    }

    private void Check(string line)
    {
        if (line.Any(c => (c < ' ' && c != '\t') || c is >= '\u007f' and <= '\u009f'))
        {
            moves.Tally.Problem("control character on a screen", Escape(line));
        }

        if (line.StartsWith("ERROR", StringComparison.Ordinal))
        {
            moves.Tally.Problem("error to a well-behaved client", $"{Name}: {line}");
            return;
        }

        var colon = line.IndexOf(" : ", StringComparison.Ordinal);
        if (colon < 0 || !IsGoodName(line[..colon], out var sender))
        {
            return;
        }

        var text = line[(colon + 3)..];
        var space = text.IndexOf(' ');
        var expected = _nextExpected[sender];
        if (space < 0 || !long.TryParse(text[..space], NumberStyles.None, CultureInfo.InvariantCulture, out var seq) || text[(space + 1)..] != Padding)
        {
            moves.Tally.Problem("corrupt or impersonated line", $"{Name} got \"{Escape(line)}\"");
        }
        else if (seq != expected)
        {
            moves.Tally.Problem(seq < expected ? "line twice or out of order" : "line lost", $"{Name} expected {NameOf(sender)}'s line {expected}, got {seq}");
            Volatile.Write(ref _nextExpected[sender], Math.Max(expected, seq + 1));
        }
        else
        {
            Volatile.Write(ref _nextExpected[sender], seq + 1);
        }
    }

    private bool IsGoodName(string name, out int sender)
    {
        sender = -1;
        return name.Length > 1 && name[0] == 'g'
            && int.TryParse(name.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out sender)
            && sender < wellBehaved && NameOf(sender) == name;
    }

    private static string Escape(string line) =>
        string.Concat(line.Select(c => c < ' ' || c is >= '\u007f' and <= '\u009f' ? $"\\x{(int)c:x2}" : c.ToString()));
}
