using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Core.Ledger;
using Zhifu.Data.Entities;
using Zhifu.Server.Funds;

namespace Zhifu.Server.Transfers;

public sealed partial class WalletTransfers
{
    /// <summary>The failure code Funds' recovery gives a movement whose hold never reached the ledger (CARD-4).</summary>
    public const string MovementNotHeld = FundMovements.NotHeld;

    /// <summary>
    /// CARD-4: the movement was failed as <c>not-held</c> (the process died, or the ledger was down, between the record and the
    /// linked [legs…, hold]) — or failed otherwise (the ledger refused the linked request) with no hold in the ledger, its
    /// transfer not followed before the process died — and none of the transfer's limit legs is in the ledger either. Nothing moved and nothing is held,
    /// so there is nothing to void: the ledger would refuse a void of a hold it never had and the transfer would never finish.
    /// </summary>
    private async Task<bool> NeverHeldAsync(WalletTransferRow row, FundMovementRow movement)
    {
        if (movement.Status != FundMovements.Failed)
        {
            return false;
        }
        await using var db = database.CreateContext();
        // failed as not held, or failed for another reason (the ledger refused the linked hold) with no hold in the ledger
        if (movement.FailureCode != MovementNotHeld && await db.LedgerPending.AnyAsync(p => p.Id == movement.Id, CancellationToken.None))
        {
            return false;
        }
        var legIds = await db.Set<WalletTransferLegRow>().AsNoTracking().Where(l => l.TransferId == row.Id).Select(l => l.LegId)
            .ToListAsync(CancellationToken.None);
        // Linked with the hold, the legs can only have been held with it; a request still on its way that holds them after all
        // finds its movement failed at the bank and voids its own legs (FollowCardAsync), so this only ever skips real nothing.
        return !await db.LedgerTransfers.AsNoTracking()
            .AnyAsync(t => legIds.Contains(t.Id) && t.Result == (int)TransferResult.Ok, CancellationToken.None);
    }

    /// <summary>Fails a card transfer that never held anything (TRF-1): the allowance is whole, the payer is told by SMS.</summary>
    private async Task FailNeverHeldAsync(WalletTransferRow row)
    {
        var from = row.Status;
        row.Status = Failed;
        (row.FailureCode, row.FailureZh, row.FailureEn) = ("INTERRUPTED", "转账未能发出，资金未动", "The transfer was interrupted; no money moved");
        row.ResolvedAt = clock.UtcNow;
        if (await UpdateAsync(row, from))
        {
            var payer = (await accounts.FindAsync(row.PayerUserId, CancellationToken.None))!;
            await sms.SendAsync(credentials.PhoneOf(payer), TransferNotices.Kind,
                $"【知付】您转账到 {row.PayeeNameMasked} {row.PayeeMasked} 的 {new Money(row.AmountFen)} 未能转出，资金未动，转账额度未占用。",
                CancellationToken.None);
        }
    }
}
