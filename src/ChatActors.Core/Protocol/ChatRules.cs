using System.Buffers;
using System.Text;
using System.Globalization;
using System.Text.RegularExpressions;

namespace ChatActors.Protocol;

/// <summary>What a joined client's message means.</summary>
public abstract record ClientCommand;

/// <summary>A chat line to broadcast, already in the <c>NAME : TEXT</c> shape.</summary>
public sealed record ChatCommand(string Line) : ClientCommand;

/// <summary>A chat message with nothing to say; it is dropped.</summary>
public sealed record IgnoredCommand : ClientCommand
{
    public static readonly IgnoredCommand Instance = new();
}

/// <summary><c>stop</c> or <c>stop RATING</c>; <see cref="RatingWasInvalid"/> when a rating was given but is not 1 to 5.</summary>
public sealed record LeaveCommand(double? Rating, bool RatingWasInvalid) : ClientCommand;

/// <summary>The join, chat and leave rules of PROTOCOL.md section 2, as pure functions.</summary>
public static partial class ChatRules
{
    public const int MaxNameLength = 32;
    private const string JoinSuffix = " joined the server";
    private const string NameSeparator = " : ";
    private static readonly SearchValues<byte> PrintableAsciiOrTab =
        SearchValues.Create([(byte)'\t', .. Enumerable.Range(' ', '~' - ' ' + 1).Select(b => (byte)b)]);

    /// <summary>
    /// A name is compared, stored and shown in Unicode normalisation form KC, so that two
    /// names that look the same (composed and decomposed accents, full-width letters) are one.
    /// </summary>
    public static bool TryParseJoin(string message, out string name)
    {
        var trimmed = message.Trim();
        name = trimmed.EndsWith(JoinSuffix, StringComparison.Ordinal)
            ? trimmed[..^JoinSuffix.Length]
            : string.Empty;
        // Normalize throws on a lone surrogate; such a name is refused anyway.
        name = HasOnlyValidRunes(name) ? name.Normalize(NormalizationForm.FormKC) : string.Empty;
        return IsValidName(name);
    }

    /// <summary>
    /// 1 to 32 characters, none of them white space, a control, a format or invisible
    /// character (zero-width, bidirectional overrides), unassigned, private, or the
    /// replacement character that bytes which are not UTF-8 decode to.
    /// </summary>
    public static bool IsValidName(string name)
    {
        var length = 0;
        foreach (var rune in name.EnumerateRunes())
        {
            if (Rune.IsWhiteSpace(rune) || !IsVisible(rune) || ++length > MaxNameLength)
            {
                return false;
            }
        }

        return length > 0;
    }

    private static bool HasOnlyValidRunes(string text) => !text.EnumerateRunes().Any(rune => rune == Rune.ReplacementChar);

    private static bool IsVisible(Rune rune) =>
        rune != Rune.ReplacementChar
        && Rune.GetUnicodeCategory(rune) is not (UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
            or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator
            or UnicodeCategory.ParagraphSeparator);

    /// <summary>Control characters and terminal escape sequences are taken out of the message first (<see cref="ChatText"/>).</summary>
    public static ClientCommand Interpret(string message, string joinedName)
    {
        message = ChatText.Clean(message);
        if (TryParseLeave(message, out var leave))
        {
            return leave;
        }

        var separator = message.IndexOf(NameSeparator, StringComparison.Ordinal);
        var text = separator < 0 ? message : message[(separator + NameSeparator.Length)..];
        if (string.IsNullOrWhiteSpace(text))
        {
            return IgnoredCommand.Instance;
        }

        var speaksAsSelf = separator >= 0 && string.Equals(message[..separator], joinedName, StringComparison.Ordinal);
        return new ChatCommand(speaksAsSelf ? message : joinedName + NameSeparator + text);
    }

    public static string SpeakerPrefix(string name) => name + NameSeparator;

    /// <summary>
    /// True when every line of <paramref name="read"/> (whole lines, each ending in <c>\n</c>) is
    /// broadcast exactly as it was read: no longer than <paramref name="maxMessageBytes"/>, only
    /// printable ASCII or tabs (nothing for <see cref="ChatText.Clean"/> to take out, no
    /// <c>\r</c>), starting with <paramref name="speakerPrefix"/> (<c>NAME : </c> of the sender
    /// itself) and saying something after it. Such a line is never a leave, since a name holds
    /// no white space. <paramref name="lines"/> is how many lines there are.
    /// </summary>
    public static bool IsBroadcastAsRead(ReadOnlySpan<byte> read, ReadOnlySpan<byte> speakerPrefix, int maxMessageBytes, out int lines)
    {
        lines = 0;
        if (speakerPrefix.IsEmpty)
        {
            return false;
        }

        while (!read.IsEmpty)
        {
            var end = read.IndexOf((byte)'\n');
            if (end < 0)
            {
                return false;
            }

            var line = read[..end];
            read = read[(end + 1)..];
            if (line.Length > maxMessageBytes || !line.StartsWith(speakerPrefix)
                || line.ContainsAnyExcept(PrintableAsciiOrTab)
                || !line[speakerPrefix.Length..].ContainsAnyExcept((byte)' ', (byte)'\t'))
            {
                return false;
            }

            lines++;
        }

        return lines > 0;
    }

    /// <summary>
    /// A leave is exactly <c>stop</c> or <c>stop</c> followed by one word; "stop that now"
    /// or "please stop" stay chat.
    /// </summary>
    private static bool TryParseLeave(string message, out LeaveCommand leave)
    {
        leave = new LeaveCommand(null, false);
        var match = LeavePattern().Match(message);
        if (!match.Success)
        {
            return false;
        }

        var ratingText = match.Groups["rating"];
        if (ratingText.Success)
        {
            leave = TryParseRating(ratingText.Value, out var rating)
                ? new LeaveCommand(rating, false)
                : new LeaveCommand(null, true);
        }

        return true;
    }

    public static bool TryParseRating(string text, out double rating)
    {
        rating = 0;
        return RatingPattern().IsMatch(text)
               && double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out rating)
               && rating is >= 1 and <= 5;
    }

    [GeneratedRegex(@"^\s*stop(\s+(?<rating>\S+))?\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex LeavePattern();

    [GeneratedRegex(@"^[0-9]+(\.[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex RatingPattern();
}
