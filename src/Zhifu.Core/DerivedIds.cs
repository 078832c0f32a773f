using System.Security.Cryptography;
using System.Text;

namespace Zhifu.Core;

/// <summary>
/// Ids derived from a parent id and a purpose (RFC 9562 version 8, from SHA-256): the post or void of a hold, the retry
/// of a bank request. The same step always gets the same id, so a step repeated after a crash or by a racing worker is
/// answered idempotently instead of moving money twice.
/// </summary>
public static class DerivedIds
{
    /// <summary>The id of <paramref name="purpose"/> for <paramref name="parent"/>.</summary>
    public static Guid For(Guid parent, string purpose)
    {
        Span<byte> input = stackalloc byte[16 + Encoding.UTF8.GetMaxByteCount(purpose.Length)];
        parent.TryWriteBytes(input, bigEndian: true, out _);
        var length = 16 + Encoding.UTF8.GetBytes(purpose, input[16..]);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input[..length], hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80); // version 8
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(hash[..16], bigEndian: true);
    }
}
