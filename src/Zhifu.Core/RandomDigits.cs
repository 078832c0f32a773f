using System.Globalization;
using System.Security.Cryptography;

namespace Zhifu.Core;

/// <summary>Unguessable decimal numbers for identifiers (transaction, refund and merchant numbers, key ids, payment codes).</summary>
public static class RandomDigits
{
    /// <summary><paramref name="count"/> digits from the cryptographic generator.</summary>
    public static string Of(int count) => string.Create(count, 0, static (digits, _) =>
    {
        for (var i = 0; i < digits.Length; i++)
        {
            digits[i] = (char)('0' + RandomNumberGenerator.GetInt32(10));
        }
    });

    /// <summary>The protocol's dated numbers: a prefix, the China date (yyyyMMdd), then <paramref name="count"/> random digits.</summary>
    public static string Dated(string prefix, DateTimeOffset now, int count) =>
        prefix + ChinaTime.ToChina(now).ToString("yyyyMMdd", CultureInfo.InvariantCulture) + Of(count);
}
