using Microsoft.EntityFrameworkCore;
using Zhifu.Core.Ledger;
using Zhifu.Data.Entities;

namespace Zhifu.Server.Transfers;

public sealed partial class WalletTransfers
{
    /// <summary>
    /// Finishes a wallet transfer whose ledger answer was lost (a crash or an unavailable ledger after its row was written,
    /// SEC-3): the very same request — stored legs, same ids — is submitted again. The ledger answers the first outcome
    /// (applied, or the stored refusal) or applies it now if it never arrived, so the money moves at most once.
    /// </summary>
    public async Task RecoverAsync(WalletTransferRow row)
    {
        if (row.Kind != KindWallet || row.Status != Processing || row.PayeeUserId is not { } payeeId)
        {
            return;
        }
        var payer = (await accounts.FindAsync(row.PayerUserId, CancellationToken.None))!;
        var payee = (await accounts.FindAsync(payeeId, CancellationToken.None))!;
        List<WalletTransferLegRow> stored;
        await using (var db = database.CreateContext())
        {
            stored = await db.Set<WalletTransferLegRow>().AsNoTracking().Where(l => l.TransferId == row.Id).OrderBy(l => l.Sequence)
                .ToListAsync(CancellationToken.None);
        }
        var flags = TransferFlags.Linked | (IsHeld(row) ? TransferFlags.Pending : TransferFlags.None);
        var legs = stored.Select(l => new PlannedLeg(new Transfer
        {
            Id = l.LegId, DebitAccountId = l.DebitAccountId, CreditAccountId = l.CreditAccountId, AmountFen = l.AmountFen,
            Ledger = l.Ledger, Code = (ushort)l.Code, Flags = flags, BusinessId = l.BusinessId,
        }, l.Limit, 0, null)).ToList();
        var results = await ledger.SubmitAsync([.. legs.Select(l => l.Transfer), Money(row, payer, payee)], CancellationToken.None);
        if (results[^1].IsSuccess())
        {
            await AppliedAsync(row, payer, payee);
        }
        else
        {
            await FailAsync(row, legs, results);
        }
    }

    /// <summary>
    /// A card transfer whose fund movement was never written: nothing of it reached the ledger or the bank — and nothing ever
    /// will: the movement's hold is barred in the ledger first, so a sender that was only slow finds its request refused
    /// rather than moving money for a transfer already told the payer as failed.
    /// </summary>
    public async Task AbandonCardAsync(WalletTransferRow row)
    {
        if (await funds.FindMovementAsync(row.FundMovementId!.Value) is not null || !await funds.BarCardTransferAsync(row.FundMovementId.Value))
        {
            return;
        }
        row.Status = Failed;
        (row.FailureCode, row.FailureZh, row.FailureEn) = ("INTERRUPTED", "转账未能发出，资金未动", "The transfer was interrupted; no money moved");
        row.ResolvedAt = clock.UtcNow;
        await UpdateAsync(row, Processing);
    }
}
