using Microsoft.EntityFrameworkCore;
using Zhifu.Core.Ledger;
using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;
using Zhifu.Server.Funds;

namespace Zhifu.Server.Transfers;

public sealed partial class WalletTransfers
{
    private async Task<(WalletTransferRow?, TransferProblem?)> SubmitWalletAsync(WalletTransferRow row, UserRow payer, UserRow payee,
        IReadOnlyList<PlannedLeg> legs)
    {
        TransferResult[] results;
        try
        {
            results = await ledger.SubmitAsync([.. legs.Select(l => l.Transfer), Money(row, payer, payee)], CancellationToken.None);
        }
        catch (LedgerUnavailableException)
        {
            // Nothing applied yet, but the row stays processing and the release worker submits it once the ledger is back
            // (RecoverAsync): answered as under way (202, processing), as its repeats are — a "try again" would have the
            // client send a second transfer beside this one.
            return (row, null);
        }
        if (!results[^1].IsSuccess())
        {
            return (null, await FailAsync(row, legs, results));
        }
        await AppliedAsync(row, payer, payee);
        return (row, null);
    }

    /// <summary>CARD-3: only the normal balance pays, and the payee's money always lands in their normal balance.</summary>
    private static Transfer Money(WalletTransferRow row, UserRow payer, UserRow payee) => new()
    {
        Id = row.Id,
        DebitAccountId = payer.WalletAccountId,
        CreditAccountId = payee.WalletAccountId,
        AmountFen = row.AmountFen,
        Ledger = Ledgers.Cny,
        Code = WalletTransferCodes.WalletTransfer,
        Flags = IsHeld(row) ? TransferFlags.Pending : TransferFlags.None,
        BusinessId = row.Id,
    };

    private async Task AppliedAsync(WalletTransferRow row, UserRow payer, UserRow payee)
    {
        var delayed = row.Arrival != RealTime;
        row.Status = row.RiskReview ? UnderReview : delayed ? Pending : Succeeded;
        row.ArrivesAt = row.RiskReview ? null : delayed ? row.CreatedAt.AddHours(DelayHours(row.Arrival)) : row.CreatedAt;
        row.ResolvedAt = IsHeld(row) ? null : clock.UtcNow;
        if (await UpdateAsync(row, Processing))
        {
            await TouchAsync(payer.Id);
            if (!row.RiskReview)
            {
                await notices.SentAsync(row, payer, payee); // a held one is told by risk control's alert (RISK-5)
            }
        }
    }

    private async Task<(WalletTransferRow?, TransferProblem?)> SubmitCardAsync(WalletTransferRow row, UserRow payer, BoundCard card,
        IReadOnlyList<PlannedLeg> legs)
    {
        FundMovementRow movement;
        TransferResult[] results;
        try
        {
            (movement, results) = await funds.StartWithdrawalAfterAsync(row.FundMovementId!.Value, payer.Id, card, row.AmountFen,
                payer.WalletAccountId, [.. legs.Select(l => l.Transfer)], row.RiskReview);
        }
        catch (LedgerUnavailableException)
        {
            return (null, TransferProblem.From(TransferErrors.Unavailable)); // the worker follows the movement (or abandons it) later
        }
        if (!results[^1].IsSuccess())
        {
            return (null, await FailAsync(row, legs, results));
        }
        await FollowCardAsync(row, movement);
        return row.Status == Failed ? (null, FailureOf(row)) : (row, null);
    }

    /// <summary>The refusal a failed transfer was answered with, for its repeats.</summary>
    private static TransferProblem FailureOf(WalletTransferRow row) => new(row.FailureCode switch
    {
        "INSUFFICIENT_BALANCE" => 409,
        "BANK_DECLINED" => 422,
        "INTERRUPTED" or "LEDGER_UNAVAILABLE" => 503,
        _ => 403,
    }, row.FailureCode!, row.FailureZh!, row.FailureEn!);

    /// <summary>Brings a card transfer in line with its fund movement: the bank's answer posts or voids the held limit legs.</summary>
    private async Task FollowCardAsync(WalletTransferRow row, FundMovementRow movement)
    {
        if (movement.Status is not (FundMovements.Succeeded or FundMovements.Failed))
        {
            return; // unknown: the funds recovery worker learns the truth, the release worker follows it here
        }
        if (await NeverHeldAsync(row, movement))
        {
            await FailNeverHeldAsync(row);
            return;
        }
        var post = movement.Status == FundMovements.Succeeded;
        if (await ResolveLegsAsync(row, post, withMoney: false) != true)
        {
            return;
        }
        var from = row.Status;
        row.Status = post ? Succeeded : Failed;
        row.ResolvedAt = clock.UtcNow;
        if (!post)
        {
            (row.FailureCode, row.FailureZh, row.FailureEn) = ("BANK_DECLINED", $"银行未能完成：{movement.FailureCode}",
                $"The bank declined: {movement.FailureCode}");
        }
        if (await UpdateAsync(row, from) && post)
        {
            await TouchAsync(row.PayerUserId);
            await notices.SentToCardAsync(row);
        }
    }

    private async Task<TransferProblem> FailAsync(WalletTransferRow row, IReadOnlyList<PlannedLeg> legs, TransferResult[] results)
    {
        var problem = limits.Explain(legs, results) ?? TransferProblem.From(results[^1] switch
        {
            TransferResult.ExceedsCredits => TransferErrors.InsufficientBalance,
            TransferResult.CreditAccountAlreadyClosed => TransferErrors.PayeeCannotReceive, // closed as this was sent (ACC-6)
            TransferResult.DebitAccountAlreadyClosed => WalletErrors.AccountClosed,
            _ => TransferErrors.Unavailable,
        });
        if (problem.Code == TransferErrors.Unavailable.Code)
        {
            logger.LogError("Transfer {TransferId} refused by the ledger: {Results}", row.Id, string.Join(",", results));
        }
        row.Status = Failed;
        (row.FailureCode, row.FailureZh, row.FailureEn) = (problem.Code, Cut(problem.Zh), Cut(problem.En));
        row.ResolvedAt = clock.UtcNow;
        await UpdateAsync(row, Processing);
        return problem;
    }

    private static string Cut(string text) => text.Length > 256 ? text[..256] : text;

    private static int DelayHours(string arrival) => int.Parse(arrival.TrimEnd('h'), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Writes the row's new state only if it is still in <paramref name="from"/>: the ledger decided, this records it once.
    /// </summary>
    private async Task<bool> UpdateAsync(WalletTransferRow row, string from)
    {
        await using var db = database.CreateContext();
        var changed = await db.Set<WalletTransferRow>().Where(t => t.Id == row.Id && t.Status == from)
            .ExecuteUpdateAsync(s => s
                .SetProperty(t => t.Status, row.Status)
                .SetProperty(t => t.ArrivesAt, row.ArrivesAt)
                .SetProperty(t => t.ResolvedAt, row.ResolvedAt)
                .SetProperty(t => t.FailureCode, row.FailureCode)
                .SetProperty(t => t.FailureZh, row.FailureZh)
                .SetProperty(t => t.FailureEn, row.FailureEn)
                .SetProperty(t => t.Version, t => t.Version + 1), CancellationToken.None);
        return changed == 1;
    }

    private async Task TouchAsync(Guid userId)
    {
        await using var db = database.CreateContext();
        var now = clock.UtcNow; // ACC-4: a transfer is a transaction, so the wallet is not dormant
        await db.Set<UserRow>().Where(u => u.Id == userId)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.LastTransactionAt, now), CancellationToken.None);
    }
}
