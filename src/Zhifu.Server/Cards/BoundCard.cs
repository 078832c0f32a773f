using Zhifu.Core.Banking;
using Zhifu.Data.Entities;

namespace Zhifu.Server.Cards;

/// <summary>
/// A card bound to a wallet, as the rest of the platform sees it: a token, never the number (CARD-1). The type decides
/// where its money may go (CARD-3): debit-card money is ordinary balance; credit-card money is consumption-only, and a
/// credit card is never a withdrawal target.
/// </summary>
public sealed record BoundCard(string Token, Guid UserId, string Bank, BankCardType Type, string MaskedNumber, DateTimeOffset BoundAt)
{
    /// <summary>CARD-3: withdrawals (提现) go to debit cards only.</summary>
    public bool AcceptsWithdrawals => Type == BankCardType.Debit;

    /// <summary>CARD-3: money topped up from a credit card may only pay for consumption.</summary>
    public bool FundsAreConsumptionOnly => Type == BankCardType.Credit;

    /// <summary>
    /// The wallet's ledger account a top-up from this card credits: the consumption-only sub-account for a credit card
    /// (so that money can never be transferred, withdrawn or sent on), the ordinary balance for a debit card.
    /// </summary>
    public Guid TopUpAccountOf(UserRow user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return FundsAreConsumptionOnly ? user.ConsumptionAccountId : user.WalletAccountId;
    }

    internal static BoundCard Of(BankCardRow row) =>
        new(row.Token, row.UserId, row.Bank, (BankCardType)row.CardType, row.MaskedNumber, row.BoundAt);
}
