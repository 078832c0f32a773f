using System.Text.RegularExpressions;

namespace Zhifu.Server.Accounts;

/// <summary>What a phone number and the two passwords must look like (ACC-1, ACC-7).</summary>
public static partial class CredentialRules
{
    /// <summary>A mainland mobile number: 11 digits starting 13–19.</summary>
    public static bool IsPhone(string? phone) => phone is not null && PhonePattern().IsMatch(phone);

    /// <summary>8–64 characters with at least one letter and one digit.</summary>
    public static bool IsStrongLoginPassword(string? password) => password is { Length: >= 8 and <= 64 }
        && password.Any(char.IsAsciiLetter) && password.Any(char.IsAsciiDigit);

    /// <summary>Six digits that are not all the same nor a run up or down (111111, 123456, 654321).</summary>
    public static bool IsStrongPaymentPassword(string? password)
    {
        if (password is not { Length: 6 } || !password.All(char.IsAsciiDigit))
        {
            return false;
        }
        bool Step(int d) => Enumerable.Range(1, 5).All(i => password[i] - password[i - 1] == d);
        return !Step(0) && !Step(1) && !Step(-1);
    }

    [GeneratedRegex("^1[3-9][0-9]{9}$")]
    private static partial Regex PhonePattern();
}
