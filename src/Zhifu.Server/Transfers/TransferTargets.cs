using Zhifu.Core;
using Zhifu.Core.Banking;
using Zhifu.Server.Accounts;
using Zhifu.Server.Funds;
using Zhifu.Server.Security;

namespace Zhifu.Server.Transfers;

/// <summary>
/// Who a transfer to a phone goes to, as the payer may see them before confirming — masked number and name (TRF-2) — and
/// which arrival choices exist (real time or the regulation's delays, TRF-3) — or the payer's own bound debit card (TRF-1).
/// The Wallet API and the wallet console share it.
/// </summary>
public sealed class TransferTargets(WalletAccounts accounts, PersonalData personalData, TransferRegulation regulation, IBoundCards cards)
{
    /// <summary><c>realtime</c> and one <c>{n}h</c> per delay the regulation offers.</summary>
    public IReadOnlyList<string> Arrivals => [WalletTransfers.RealTime, .. regulation.DelayHours.Select(h => $"{h}h")];

    public bool IsArrival(string? arrival) => arrival is not null && Arrivals.Contains(arrival);

    /// <summary>The open wallet of <paramref name="phone"/> as a transfer target for <paramref name="payerId"/>, or null.</summary>
    public async Task<TransferTarget?> WalletAsync(string phone, Guid payerId, CancellationToken ct)
    {
        var payee = await accounts.FindByPhoneAsync(phone, ct);
        if (payee is null || payee.Status == WalletAccounts.StatusClosed)
        {
            return null;
        }
        var payer = (await accounts.FindAsync(payerId, ct))!;
        var name = payee.NameCipher is { } n ? PersonalDataMask.Name(personalData.Unprotect(n, PersonalData.Name)) : "未实名";
        var own = payer.IdNumberIndex is { } mine && payee.IdNumberIndex is { } theirs && mine.AsSpan().SequenceEqual(theirs);
        return new TransferTarget(payee, null, PersonalDataMask.Phone(phone), name, own);
    }

    /// <summary>
    /// The payer's own bound debit card as a transfer target (转账到本人银行卡, TRF-1), or why not: not one of their bound
    /// cards, or a credit card (CARD-3: credit cards never receive money).
    /// </summary>
    public async Task<(TransferTarget? Target, WalletError? Error)> OwnCardAsync(Guid payerId, string? token, CancellationToken ct)
    {
        var card = token is { Length: > 0 and <= 64 } ? await cards.FindAsync(payerId, token, ct) : null;
        if (card is null)
        {
            return (null, TransferErrors.CardNotFound);
        }
        return card.CardType != BankCardType.Debit ? (null, TransferErrors.CreditCardNotAllowed)
            : (new TransferTarget(null, card, card.Masked, card.Bank, OwnAccount: true), null);
    }
}
