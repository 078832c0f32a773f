namespace Zhifu.Core.Banking;

/// <summary>Check digits of card numbers (Luhn, ISO/IEC 7812) and resident ID numbers (GB 11643-1999).</summary>
public static class CheckDigits
{
    private static readonly int[] IdWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string IdCheckCharacters = "10X98765432";

    /// <summary>True when <paramref name="cardNumber"/> is 12–19 ASCII digits ending in a valid Luhn digit.</summary>
    /// <param name="cardNumber">The card number.</param>
    public static bool IsValidCardNumber(string? cardNumber) =>
        cardNumber is { Length: >= 12 and <= 19 } && cardNumber.All(char.IsAsciiDigit)
        && LuhnDigit(cardNumber[..^1]) == cardNumber[^1];

    /// <summary>The Luhn check digit to append to <paramref name="digits"/>.</summary>
    /// <param name="digits">The card number without its check digit; ASCII digits only.</param>
    public static char LuhnDigit(string digits)
    {
        ArgumentNullException.ThrowIfNull(digits);
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            if (d is < 0 or > 9)
            {
                throw new ArgumentException("digits only", nameof(digits));
            }
            // Double every second digit counting from the one next to the (missing) check digit.
            sum += i % 2 == 0 ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d;
        }
        return (char)('0' + (10 - sum % 10) % 10);
    }

    /// <summary>True when <paramref name="idNumber"/> is 17 digits followed by the right check character (0–9 or X).</summary>
    /// <param name="idNumber">The 18-character resident ID number; a lower-case x is not accepted.</param>
    public static bool IsValidResidentId(string? idNumber) =>
        idNumber is { Length: 18 } && idNumber[..17].All(char.IsAsciiDigit) && ResidentIdCheck(idNumber[..17]) == idNumber[17];

    /// <summary>The check character (0–9 or X) for the first 17 digits of a resident ID number.</summary>
    /// <param name="first17">The first 17 digits.</param>
    public static char ResidentIdCheck(string first17)
    {
        ArgumentNullException.ThrowIfNull(first17);
        if (first17.Length != 17 || !first17.All(char.IsAsciiDigit))
        {
            throw new ArgumentException("17 digits expected", nameof(first17));
        }
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += (first17[i] - '0') * IdWeights[i];
        }
        return IdCheckCharacters[sum % 11];
    }

    private const string CreditCodeAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    private static readonly int[] CreditCodeWeights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    /// <summary>统一社会信用代码 (GB 32100-2015): 18 characters of 0-9 and A–Y without I, O, S, V, Z, the last a check character.</summary>
    public static bool IsValidCreditCode(string? code) =>
        code is { Length: 18 } && code.All(c => CreditCodeAlphabet.Contains(c, StringComparison.Ordinal))
            && CreditCodeCheck(code[..17]) == code[17];

    /// <summary>The check character of the first 17 characters of a unified social credit code.</summary>
    public static char CreditCodeCheck(string first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += CreditCodeAlphabet.IndexOf(first17[i], StringComparison.Ordinal) * CreditCodeWeights[i];
        }
        return CreditCodeAlphabet[(31 - sum % 31) % 31];
    }
}
