using Zhifu.Core.Ledger;
using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;
using Zhifu.Server.RealName.Limits;

namespace Zhifu.Server.Funds;

/// <summary>
/// 提现 — a withdrawal to the holder's own debit card (CARD-2) under ACC-2: Class Ⅰ's ¥1,000 since opening includes
/// transfers to the holder's own bank account, the Class Ⅱ/Ⅲ yearly limits do not (<see cref="BalanceUse.OwnCardWithdrawal"/>
/// decides which legs there are). The legs are held linked in front of the money's hold — the same path a transfer to a card
/// takes (<see cref="FundMovements.StartWithdrawalAfterAsync"/>) — so concurrent withdrawals can never overshoot, and they are
/// posted or voided with the money when the bank answers (CARD-4).
/// </summary>
public sealed class OwnCardWithdrawals(FundMovements movements, BalanceLimits limits)
{
    /// <summary>The movement (succeeded, failed at the bank, or unknown), or why nothing moved; <c>Written</c> false when refused
    /// by the class limit before anything was written.</summary>
    public async Task<(FundMovementRow? Movement, WalletError? Error, LimitRefusal? Refusal, bool Written)> WithdrawAsync(Guid id, Guid userId,
        BoundCard card, long amountFen, Guid walletLedgerAccountId, bool review, CancellationToken cancellationToken)
    {
        var check = await limits.PrepareAsync(userId, BalanceUse.OwnCardWithdrawal, amountFen, id, cancellationToken);
        if (!check.Allowed)
        {
            return (null, null, check.Refusal, false);
        }
        if (check.Legs.Count > FundMovements.ClassLegsMax)
        {
            throw new InvalidOperationException($"{check.Legs.Count} class legs: settlement looks for {FundMovements.ClassLegsMax}");
        }
        // Held, not posted, and renamed to ids the settlement derives from the movement (it keeps no table of legs).
        IReadOnlyList<Transfer> legs = [.. check.Legs.Select((l, i) => l.Transfer with
        {
            Id = FundMovements.ClassLegId(id, i), Flags = TransferFlags.Linked | TransferFlags.Pending,
        })];
        FundMovementRow movement;
        TransferResult[] results;
        try
        {
            (movement, results) = await movements.StartLinkedAsync(FundMovements.Withdrawal, id, userId, card, amountFen,
                walletLedgerAccountId, legs, review);
        }
        catch (LedgerUnavailableException)
        {
            return (null, FundsErrors.Unavailable, null, true);
        }
        if (results[^1].IsSuccess())
        {
            return (movement, null, null, true);
        }
        if (results[^1] == TransferResult.ExistsWithDifferentFields)
        {
            return (null, FundsErrors.RequestIdReused, null, true); // the requestId is another movement's, racing this one
        }
        if (limits.Explain(check, results) is { } lostRace)
        {
            return (null, null, lostRace, true); // another withdrawal or payment used the allowance between the check and the commit
        }
        return (null, results[^1] == TransferResult.ExceedsCredits ? FundsErrors.InsufficientBalance : FundsErrors.Unavailable, null, true);
    }
}
