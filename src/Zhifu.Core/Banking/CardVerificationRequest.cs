namespace Zhifu.Core.Banking;

/// <summary>Card verification before binding (CARD-1): the bank checks card, name, ID number and phone together.</summary>
/// <param name="Bank">The bank code, e.g. <c>ICBC</c>.</param>
/// <param name="CardNumber">The full card number (12–19 digits, valid Luhn digit).</param>
/// <param name="Name">The holder's full name.</param>
/// <param name="IdNumber">The 18-character resident ID number.</param>
/// <param name="Phone">The 11-digit mobile number reserved at the bank (预留手机号).</param>
public sealed record CardVerificationRequest(string Bank, string CardNumber, string Name, string IdNumber, string Phone)
{
    /// <summary>Masked, so that logging the request never leaks personal data (ACC-8).</summary>
    public override string ToString() =>
        $"CardVerificationRequest {{ Bank = {Bank}, CardNumber = {PersonalDataMask.CardNumber(CardNumber)} }}";
}
