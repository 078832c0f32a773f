namespace Zhifu.Core.Banking;

/// <summary>A debit or credit to send to the bank.</summary>
/// <param name="RequestId">The platform's idempotency key (≤ 64 of <c>A-Z a-z 0-9 . _ : -</c>); resend the same id, never a new one,
/// while the outcome is unknown.</param>
/// <param name="Bank">The bank code, e.g. <c>ICBC</c>.</param>
/// <param name="CardNumber">The full card number, taken from the card vault just for this call (CARD-1).</param>
/// <param name="AmountFen">Amount in fen, greater than zero.</param>
/// <param name="Memo">A short note shown on the bank's records (≤ 128 characters).</param>
/// <param name="NotifyUrl">Optional address the bank posts the final result to (it may post it more than once).</param>
public sealed record BankMovementRequest(
    string RequestId, string Bank, string CardNumber, long AmountFen, string Memo = "", Uri? NotifyUrl = null)
{
    /// <summary>Masked, so that logging the request never leaks the card number (ACC-8).</summary>
    public override string ToString() =>
        $"BankMovementRequest {{ RequestId = {RequestId}, Bank = {Bank}, CardNumber = {PersonalDataMask.CardNumber(CardNumber)}, "
        + $"AmountFen = {AmountFen} }}";
}
