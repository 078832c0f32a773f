namespace Zhifu.Core;

/// <summary>Masks personal data for screens and logs (ACC-8): <c>6222 **** **** 1234</c>, <c>138****1234</c>.</summary>
public static class PersonalDataMask
{
    /// <summary>Keeps the first four and last four digits of a card number, grouped like the printed card.</summary>
    /// <param name="cardNumber">The card number; anything shorter than 9 characters is masked whole.</param>
    public static string CardNumber(string? cardNumber) =>
        cardNumber is { Length: >= 9 } ? $"{cardNumber[..4]} **** **** {cardNumber[^4..]}" : "****";

    /// <summary>Keeps the first six and last four digits (the form banks print on statements).</summary>
    /// <param name="cardNumber">The card number; anything shorter than 11 characters is masked whole.</param>
    public static string CardNumberForStatement(string cardNumber) =>
        cardNumber is { Length: >= 11 } ? cardNumber[..6] + new string('*', cardNumber.Length - 10) + cardNumber[^4..] : "****";

    /// <summary>Keeps the first three and last four digits of a phone number.</summary>
    /// <param name="phone">The phone number; anything shorter than 8 characters is masked whole.</param>
    public static string Phone(string? phone) => phone is { Length: >= 8 } ? $"{phone[..3]}****{phone[^4..]}" : "****";

    /// <summary>Keeps the first character of a name: <c>张*</c>, <c>欧**</c>.</summary>
    /// <param name="name">The full name.</param>
    public static string Name(string? name) => name is { Length: > 1 } ? name[0] + new string('*', name.Length - 1) : "*";

    /// <summary>Keeps the first and last character of an ID number.</summary>
    /// <param name="idNumber">The ID number; anything shorter than 3 characters is masked whole.</param>
    public static string IdNumber(string? idNumber) =>
        idNumber is { Length: >= 3 } ? idNumber[0] + new string('*', idNumber.Length - 2) + idNumber[^1] : "****";
}
