using System.Text;

namespace ChatActors.Protocol;

/// <summary>
/// What may reach another client's screen: chat text without control characters (C0 and C1,
/// except tab) and without terminal escape sequences, which would otherwise move the cursor,
/// clear a netcat user's screen or retitle their terminal.
/// </summary>
public static class ChatText
{
    private const char Escape = '\u001b';
    private const char Bell = '\u0007';
    private const char Tab = '\t';

    public static string Clean(string text)
    {
        var firstUnsafe = text.AsSpan().IndexOfAnyInRange('\u0000', '\u001f');
        if (firstUnsafe < 0 && !text.AsSpan().ContainsAnyInRange('\u007f', '\u009f'))
        {
            return text;
        }

        var clean = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == Escape)
            {
                i = EndOfEscapeSequence(text, i);
            }
            else if (c == Tab || !IsControl(c))
            {
                clean.Append(c);
            }
        }

        return clean.ToString();
    }

    public static bool IsControl(char c) => c < ' ' || c is >= '\u007f' and <= '\u009f';

    /// <summary>The index of the last character of the escape sequence that starts at <paramref name="start"/>.</summary>
    private static int EndOfEscapeSequence(string text, int start)
    {
        if (start + 1 >= text.Length)
        {
            return start;
        }

        var kind = text[start + 1];
        switch (kind)
        {
            case '[':
                // CSI: parameter and intermediate bytes, then one final byte from @ to ~.
                for (var i = start + 2; i < text.Length; i++)
                {
                    if (text[i] is >= '@' and <= '~')
                    {
                        return i;
                    }
                }

                return text.Length - 1;
            case ']' or 'P' or 'X' or '^' or '_':
                // OSC, DCS, SOS, PM, APC: a string up to BEL or ESC \ (the string terminator).
                for (var i = start + 2; i < text.Length; i++)
                {
                    if (text[i] == Bell)
                    {
                        return i;
                    }

                    if (text[i] == Escape && i + 1 < text.Length && text[i + 1] == '\\')
                    {
                        return i + 1;
                    }
                }

                return text.Length - 1;
            default:
                // A two-character sequence (ESC c resets the terminal); a control after ESC is dropped on its own.
                return IsControl(kind) ? start : start + 1;
        }
    }
}
