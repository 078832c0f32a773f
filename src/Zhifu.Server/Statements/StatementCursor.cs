using System.Buffers.Binary;
using System.Buffers.Text;

namespace Zhifu.Server.Statements;

/// <summary>
/// The opaque paging cursor: the last entry's (At, RecordId) — the keyset position, so pages stay right while new entries
/// arrive. Base64url of a version byte, the instant's UTC ticks and the id's 16 big-endian bytes (34 characters).
/// </summary>
public static class StatementCursor
{
    private const byte Version = 1;
    private const int Length = 1 + 8 + 16;

    public static string Encode(DateTimeOffset at, Guid recordId)
    {
        Span<byte> bytes = stackalloc byte[Length];
        bytes[0] = Version;
        BinaryPrimitives.WriteInt64BigEndian(bytes[1..], at.UtcTicks);
        recordId.TryWriteBytes(bytes[9..], bigEndian: true, out _);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>The position, or null when the text is not a cursor this server made.</summary>
    public static (DateTimeOffset At, Guid RecordId)? Decode(string? text)
    {
        if (text is not { Length: 34 } || text.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
        {
            return null;
        }
        Span<byte> bytes = stackalloc byte[Length];
        if (!Base64Url.TryDecodeFromChars(text, bytes, out var written) || written != Length || bytes[0] != Version)
        {
            return null;
        }
        var ticks = BinaryPrimitives.ReadInt64BigEndian(bytes[1..]);
        if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            return null;
        }
        return (new DateTimeOffset(ticks, TimeSpan.Zero), new Guid(bytes[9..Length], bigEndian: true));
    }
}
