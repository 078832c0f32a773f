using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Core.Ledger;
using Zhifu.Data.Entities;
using Zhifu.Server.Ledger;
using Zhifu.Server.Lifecycle;

namespace Zhifu.Server.Transfers;

public sealed partial class WalletTransfers
{
    /// <summary>
    /// 撤销 (TRF-2): the payer takes a delayed transfer back before it arrives. The void of the money and of its limit legs is
    /// one linked request; the release is the same request posting instead, and the ledger's single writer applies exactly
    /// one of them, so revocation racing the release has exactly one winner.
    /// </summary>
    public async Task<(WalletTransferRow? Transfer, TransferProblem? Problem)> RevokeAsync(Guid payerId, Guid transferId)
    {
        var row = await FindAsync(transferId);
        if (row is null || row.PayerUserId != payerId)
        {
            return (null, TransferProblem.From(TransferErrors.TransferNotFound));
        }
        if (row.Status == Revoked)
        {
            return (row, null); // a repeated revocation answers the first outcome
        }
        if (row.Kind != KindWallet || row.Status is not (Pending or UnderReview))
        {
            return (null, TransferProblem.From(row.Status == Succeeded && row.Arrival != RealTime ? TransferErrors.AlreadyArrived
                : TransferErrors.NotRevocable));
        }
        if (row.Status == Pending && row.ArrivesAt <= clock.UtcNow && await PartiesMayMoveAsync(row))
        {
            // TRF-2: revocable during the delay only. Past its arrival time it is due (the worker has not reached it yet): it
            // arrives now rather than going back. Held past it by a restriction of either party, it may still be taken back.
            return (null, TransferProblem.From(await ReleaseOneAsync(row) || (await FindAsync(row.Id))?.Status == Succeeded
                ? TransferErrors.AlreadyArrived : TransferErrors.Unavailable)); // (the ledger unavailable: nothing arrived yet)
        }
        switch (await ResolveLegsAsync(row, post: false, withMoney: true))
        {
            case false:
                await ReleaseOneAsync(row); // the release won: record its outcome, whoever is first
                return (null, TransferProblem.From(TransferErrors.AlreadyArrived));
            case null:
                return (null, TransferProblem.From(TransferErrors.Unavailable));
        }
        var from = row.Status;
        row.Status = Revoked;
        row.ResolvedAt = clock.UtcNow;
        if (await UpdateAsync(row, from))
        {
            await notices.RevokedAsync(row);
        }
        return (row, null);
    }

    /// <summary>
    /// Whether held money of a wallet transfer may move now: its payer may still pay out and its payee still receive (ACC-4 …
    /// ACC-6), and neither is on the risk control's account list (RISK-3: a payee reported for fraud during a 24-hour delay
    /// must not be paid by it, as a new transfer to it would be blocked). A freeze or listing since the transfer was sent keeps
    /// it held — the payer can still revoke it — instead of delivering it past the restriction; it moves once that is lifted.
    /// </summary>
    public async Task<bool> PartiesMayMoveAsync(WalletTransferRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return !lists.Listed(row.PayerUserId) && (row.PayeeUserId is not { } listedPayee || !lists.Listed(listedPayee))
            && await guard.EnsureCanTransactAsync(row.PayerUserId, Business.NonCounterOut, CancellationToken.None) is null
            && (row.PayeeUserId is not { } payee
                || await guard.EnsureCanTransactAsync(payee, Business.NonCounterIn, CancellationToken.None) is null);
    }

    /// <summary>Posts a due delayed transfer (the release worker); false when the payer's revocation won or the ledger could not
    /// answer (the transfer stays pending for the next round).</summary>
    public async Task<bool> ReleaseOneAsync(WalletTransferRow row)
    {
        var released = await ResolveLegsAsync(row, post: true, withMoney: true);
        if (released is null)
        {
            return false;
        }
        if (released == false)
        {
            row.Status = Revoked;
            row.ResolvedAt = clock.UtcNow;
            await UpdateAsync(row, Pending);
            return false;
        }
        row.Status = Succeeded;
        row.ResolvedAt = clock.UtcNow;
        if (await UpdateAsync(row, Pending))
        {
            await TouchAsync(row.PayerUserId);
            await notices.ArrivedAsync(row);
        }
        return true;
    }

    /// <summary>Follows a card transfer whose bank answer was unknown (the release worker).</summary>
    public async Task FollowCardAsync(WalletTransferRow row)
    {
        if (await funds.FindMovementAsync(row.FundMovementId!.Value) is { } movement)
        {
            await FollowCardAsync(row, movement);
        }
    }

    public async Task<WalletTransferRow?> FindAsync(Guid transferId)
    {
        await using var db = database.CreateContext();
        return await db.Set<WalletTransferRow>().AsNoTracking().FirstOrDefaultAsync(t => t.Id == transferId, CancellationToken.None);
    }

    /// <summary>
    /// Posts or voids the held money (wallet transfers) and every held limit leg as one linked request with ids derived from
    /// the holds, so a repeat (a crash, a second worker) is answered idempotently. True when this resolution holds now, false
    /// when the other one does, null when the ledger said something else (logged, left for the next round).
    /// </summary>
    private async Task<bool?> ResolveLegsAsync(WalletTransferRow row, bool post, bool withMoney)
    {
        List<WalletTransferLegRow> legs;
        await using (var db = database.CreateContext())
        {
            legs = await db.Set<WalletTransferLegRow>().AsNoTracking().Where(l => l.TransferId == row.Id).OrderBy(l => l.Sequence)
                .ToListAsync(CancellationToken.None);
        }
        var holds = new List<Transfer>();
        if (withMoney)
        {
            holds.Add(new Transfer { Id = row.Id, Ledger = Ledgers.Cny, Code = WalletTransferCodes.WalletTransfer, BusinessId = row.Id });
        }
        holds.AddRange(legs.Select(l => new Transfer { Id = l.LegId, Ledger = l.Ledger, Code = (ushort)l.Code, BusinessId = l.BusinessId }));
        if (holds.Count == 0)
        {
            return true;
        }
        TransferResult[] results;
        try
        {
            results = await ledger.SubmitAsync(HeldChain.Resolve(holds, post), CancellationToken.None);
        }
        catch (LedgerUnavailableException)
        {
            return null; // nothing applied: the revocation, case decision or release worker answers "try again"
        }
        if (HeldChain.Outcome(results, post) is { } outcome)
        {
            return outcome;
        }
        logger.LogError("Transfer {TransferId}: {Purpose} answered {Results}", row.Id, post ? "post" : "void", string.Join(",", results));
        return null;
    }
}
