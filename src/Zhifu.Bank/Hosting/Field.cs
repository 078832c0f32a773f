using System.Text.RegularExpressions;
using Zhifu.Core.Banking;

namespace Zhifu.Bank.Hosting;

/// <summary>
/// Input rules shared by every endpoint. Each check answers null when the value is fine, else the error to send;
/// chain them with <c>??</c> so the first broken field wins. Limits keep every stored field small.
/// </summary>
internal static partial class Field
{
    /// <summary>¥1,000,000,000: no single card movement in the simulator may exceed it.</summary>
    public const long MaxAmountFen = 100_000_000_000;

    /// <summary>No card balance may exceed this; keeps every sum of balances far from long overflow.</summary>
    public const long MaxBalanceFen = 1_000_000_000_000_000;

    public static ApiError? RequestId(string? value) =>
        value is not null && IdPattern().IsMatch(value) ? null
            : new(BankErrorCodes.InvalidRequestId, "request_id: 1-64 characters of A-Z a-z 0-9 . _ : -");

    public static ApiError? ReversalId(string? value) =>
        value is not null && IdPattern().IsMatch(value) ? null
            : new(BankErrorCodes.InvalidReversalId, "reversal_id: 1-64 characters of A-Z a-z 0-9 . _ : -");

    public static ApiError? Bank(string? value) =>
        value is not null && BankPattern().IsMatch(value) ? null : new(BankErrorCodes.InvalidBank, "bank: 2-10 capital letters, e.g. ICBC");

    public static ApiError? CardNumber(string? value) =>
        CheckDigits.IsValidCardNumber(value) ? null
            : new(BankErrorCodes.InvalidCardNumber, "card_no: 12-19 digits with a valid Luhn check digit");

    public static ApiError? Name(string? value) =>
        value is { Length: > 0 and <= 64 } && value.Trim().Length > 0 && !value.Any(char.IsControl) ? null
            : new(BankErrorCodes.InvalidName, "name: 1-64 characters");

    public static ApiError? IdNumber(string? value) =>
        CheckDigits.IsValidResidentId(value?.ToUpperInvariant()) ? null
            : new(BankErrorCodes.InvalidIdNumber, "id_no: 17 digits and a valid check character");

    public static ApiError? Phone(string? value) =>
        value is not null && PhonePattern().IsMatch(value) ? null : new(BankErrorCodes.InvalidPhone, "phone: 11 digits starting with 1");

    public static ApiError? Amount(long? value) =>
        value is > 0 and <= MaxAmountFen ? null : new(BankErrorCodes.InvalidAmount, $"amount_fen: 1 to {MaxAmountFen}");

    public static ApiError? Balance(long? value) =>
        value is null or (>= 0 and <= MaxBalanceFen) ? null : new(BankErrorCodes.InvalidAmount, $"balance: 0 to {MaxBalanceFen} fen");

    public static ApiError? Memo(string? value) =>
        value is null || (value.Length <= 128 && !value.Any(char.IsControl)) ? null
            : new(BankErrorCodes.InvalidMemo, "memo: at most 128 characters, no control characters");

    public static ApiError? NotifyUrl(string? value) =>
        value is null || (value.Length <= 512 && Uri.TryCreate(value, UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)) ? null
            : new(BankErrorCodes.InvalidNotifyUrl, "notify_url: an absolute http(s) URL of at most 512 characters");

    public static ApiError? Day(string? value, out DateOnly day)
    {
        day = default;
        return value is { Length: 10 } && DateOnly.TryParseExact(value, "yyyy-MM-dd", out day) ? null
            : new(BankErrorCodes.InvalidDate, "date: yyyy-MM-dd");
    }

    /// <summary>Names are compared as the holder wrote them, without surrounding spaces; ID numbers with a capital X.</summary>
    public static string NormalName(string name) => name.Trim();

    public static string NormalIdNumber(string idNumber) => idNumber.ToUpperInvariant();

    // \z, not $: $ also matches before a trailing newline, which would let "id\n" through into CSV files.
    [GeneratedRegex("^[A-Za-z0-9._:-]{1,64}\\z")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[A-Z]{2,10}\\z")]
    private static partial Regex BankPattern();

    [GeneratedRegex("^1[0-9]{10}\\z")]
    private static partial Regex PhonePattern();
}
