using System.Buffers;
using System.Text;

namespace ChatActors.Protocol;

/// <summary>
/// Cuts one connection's byte stream into messages as PROTOCOL.md section 2 says:
/// the first read decides between line mode and legacy mode, and no message may
/// exceed <c>maxMessageBytes</c>.
/// </summary>
public sealed class FrameDecoder(int maxMessageBytes)
{
    private const byte LineFeed = (byte)'\n';
    private const byte CarriageReturn = (byte)'\r';

    private readonly ArrayBufferWriter<byte> _partialLine = new();
    private bool _discardingUntilLineFeed;

    public FramingMode Mode { get; private set; } = FramingMode.Undetected;

    public IReadOnlyList<Frame> Decode(ReadOnlySpan<byte> read)
    {
        if (read.IsEmpty)
        {
            return [];
        }

        if (Mode == FramingMode.Undetected)
        {
            Mode = read.Contains(LineFeed) ? FramingMode.Line : FramingMode.Legacy;
        }

        var frames = new List<Frame>();
        if (Mode == FramingMode.Line)
        {
            DecodeLines(read, frames);
        }
        else
        {
            DecodeLegacyRead(read, frames);
        }

        return frames;
    }

    /// <summary>
    /// True when <paramref name="read"/> is whole lines in line mode: nothing of an earlier line is
    /// pending and it ends with <c>\n</c>, so its lines are exactly what <see cref="Decode"/> would
    /// cut out of it. A first read decides the mode as <see cref="Decode"/> would.
    /// </summary>
    public bool IsWholeLines(ReadOnlySpan<byte> read)
    {
        if (Mode == FramingMode.Undetected && read.Contains(LineFeed))
        {
            Mode = FramingMode.Line;
        }

        return Mode == FramingMode.Line && _partialLine.WrittenCount == 0 && !_discardingUntilLineFeed
               && !read.IsEmpty && read[^1] == LineFeed;
    }

    private void DecodeLines(ReadOnlySpan<byte> read, List<Frame> frames)
    {
        while (!read.IsEmpty)
        {
            var lineFeed = read.IndexOf(LineFeed);
            var piece = lineFeed < 0 ? read : read[..lineFeed];
            read = lineFeed < 0 ? ReadOnlySpan<byte>.Empty : read[(lineFeed + 1)..];

            if (_discardingUntilLineFeed)
            {
                _discardingUntilLineFeed = lineFeed < 0;
                continue;
            }

            if (lineFeed >= 0)
            {
                frames.Add(CompleteLine(piece));
            }
            else if (_partialLine.WrittenCount + piece.Length > maxMessageBytes + 1)
            {
                // The +1 leaves room for a '\r' that the line end will drop.
                _partialLine.ResetWrittenCount();
                _discardingUntilLineFeed = true;
                frames.Add(TooLongFrame.Instance);
            }
            else
            {
                _partialLine.Write(piece);
            }
        }
    }

    /// <summary>
    /// The end of the stream: a last line the client sent without its <c>\n</c> before it closed
    /// is a message too (the original server took each read as one), or nothing when none is pending.
    /// </summary>
    public IReadOnlyList<Frame> Finish()
    {
        if (_partialLine.WrittenCount == 0)
        {
            return [];
        }

        var last = ToFrame(_partialLine.WrittenSpan);
        _partialLine.ResetWrittenCount();
        return [last];
    }

    private Frame CompleteLine(ReadOnlySpan<byte> lastPiece)
    {
        if (_partialLine.WrittenCount == 0)
        {
            return ToFrame(lastPiece);
        }

        _partialLine.Write(lastPiece);
        var frame = ToFrame(_partialLine.WrittenSpan);
        _partialLine.ResetWrittenCount();
        return frame;
    }

    private void DecodeLegacyRead(ReadOnlySpan<byte> read, List<Frame> frames)
    {
        foreach (var range in read.Split(LineFeed))
        {
            var piece = read[range];
            if (!piece.IsEmpty && !(piece.Length == 1 && piece[0] == CarriageReturn))
            {
                frames.Add(ToFrame(piece));
            }
        }
    }

    private Frame ToFrame(ReadOnlySpan<byte> line)
    {
        if (!line.IsEmpty && line[^1] == CarriageReturn)
        {
            line = line[..^1];
        }

        return line.Length > maxMessageBytes
            ? TooLongFrame.Instance
            : new TextFrame(Encoding.UTF8.GetString(line));
    }
}
