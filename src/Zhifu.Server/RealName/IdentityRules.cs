using System.Globalization;
using Zhifu.Core.Banking;

namespace Zhifu.Server.RealName;

/// <summary>What a holder's name and resident ID number must look like before any source is asked (ACC-2).</summary>
public static class IdentityRules
{
    /// <summary>
    /// The name as the holder wrote it without surrounding spaces: 2–64 letters of any script, with the middle dot of
    /// minority and foreign names (·) and single spaces between parts; null when it is not a name.
    /// </summary>
    public static string? NormalName(string? name)
    {
        var trimmed = name?.Trim();
        if (trimmed is not { Length: >= 2 and <= 64 } || trimmed.Contains("  ", StringComparison.Ordinal))
        {
            return null;
        }
        return trimmed.All(c => char.IsLetter(c) || c is '·' or '•' or ' ') ? trimmed : null;
    }

    /// <summary>
    /// The 18-character resident ID number with a capital X, when its check character (GB 11643-1999) holds and its birth
    /// date is a real day between 1900 and <paramref name="today"/>; otherwise null.
    /// </summary>
    public static string? NormalIdNumber(string? idNumber, DateOnly today)
    {
        var normal = idNumber?.Trim().ToUpperInvariant();
        if (!CheckDigits.IsValidResidentId(normal))
        {
            return null;
        }
        return BirthDate(normal!) is { } born && born.Year >= 1900 && born <= today ? normal : null;
    }

    /// <summary>The date of birth an 18-character resident ID number carries (characters 7–14), or null.</summary>
    public static DateOnly? BirthDate(string idNumber) =>
        idNumber is { Length: 18 }
        && DateOnly.TryParseExact(idNumber[6..14], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var born)
            ? born : null;
}
