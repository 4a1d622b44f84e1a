using System.Buffers;

namespace ChatActors.Net;

/// <summary>
/// The byte blocks a connection has waiting to be sent, in order. A lone block (a join line,
/// one read of a quiet chat) needs no array; more of them go into an array borrowed from the
/// pool until they are taken. Not thread-safe: its <see cref="ConnectionWriter"/>'s lock guards it.
/// </summary>
internal sealed class WaitingBlocks
{
    private const int FirstLength = 16;

    private ReadOnlyMemory<byte>[]? _many;
    private ReadOnlyMemory<byte> _single;

    public int Count { get; private set; }

    public void Add(ReadOnlyMemory<byte> bytes)
    {
        if (Count == 0)
        {
            _single = bytes;
            Count = 1;
            return;
        }

        if (_many is null)
        {
            _many = ArrayPool<ReadOnlyMemory<byte>>.Shared.Rent(FirstLength);
            _many[0] = _single;
            _single = default;
        }
        else if (Count == _many.Length)
        {
            var larger = ArrayPool<ReadOnlyMemory<byte>>.Shared.Rent(_many.Length * 2);
            _many.AsSpan().CopyTo(larger);
            Return(_many);
            _many = larger;
        }

        _many[Count++] = bytes;
    }

    /// <summary>
    /// Takes every block waiting: a lone one as <paramref name="single"/> (<paramref name="batch"/>
    /// null), or the borrowed array, which the taker gives back with <see cref="Return"/>.
    /// </summary>
    public int TakeAll(out ReadOnlyMemory<byte>[]? batch, out ReadOnlyMemory<byte> single)
    {
        var count = Count;
        (batch, single) = (_many, _single);
        (_many, _single, Count) = (null, default, 0);
        return count;
    }

    /// <summary>Drops every block waiting and gives the array back.</summary>
    public void Clear()
    {
        if (_many is not null)
        {
            Return(_many);
        }

        (_many, _single, Count) = (null, default, 0);
    }

    public static void Return(ReadOnlyMemory<byte>[] batch) => ArrayPool<ReadOnlyMemory<byte>>.Shared.Return(batch, clearArray: true);
}
