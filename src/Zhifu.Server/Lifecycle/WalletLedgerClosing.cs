using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Core.Ledger;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;

namespace Zhifu.Server.Lifecycle;

/// <summary>
/// Closes a wallet's two ledger accounts (the balance and the consumption-only funds) for good when they are settled: for
/// the holder's closure (ACC-6, <see cref="AccountClosure"/>) and for a wallet merged into another (ACC-2,
/// <c>WalletMerges</c>). See docs/ledger.md, "closing".
/// </summary>
public sealed class WalletLedgerClosing(DatabaseOptions database, ILedger ledger, ILogger<WalletLedgerClosing> logger)
{
    /// <summary>How long a closing hold waits for its closure to finish before the ledger reopens the wallet (a crash midway).</summary>
    private const uint ClosingHoldSeconds = 300;

    /// <summary>
    /// Closes the wallet's two ledger accounts for good, or says why not (null: closed). Balances read before could still be
    /// changed by an incoming transfer or refund past its own status check a moment earlier; the closing hold stops every new
    /// transfer in or out at once — the single writer applies it between two others — so the balances read after it are
    /// final: money lands before it (and is seen here) or is refused by the ledger, never in a closed wallet. The hold is marked
    /// on the user row; not settled: it is voided and the wallet takes money again; settled: it is posted and the accounts stay
    /// closed. A crash before the post leaves the hold to lapse (the wallet reopens); after it, the caller's recovery (the
    /// closure worker, the holder's next try, a merge resumed) finds the accounts closed and the marked hold posted.
    /// </summary>
    /// <param name="sweep">For a merge: given the two accounts' balances as the closing hold froze them, the moves that take
    /// the money elsewhere. They apply in one linked chain with the hold's void and a new closing hold, so nothing can land
    /// between the move and the closing, however fast money keeps arriving. Null (the holder's closure): money there refuses.</param>
    /// <returns>Why not closed (null: closed for good), and whether the sweep's moves were applied.</returns>
    public async Task<(WalletError? Unsettled, bool Swept)> CloseAsync(UserRow user,
        Func<AccountBalance, AccountBalance, IReadOnlyList<Transfer>>? sweep = null)
    {
        var hold = NewHold(user);
        var closed = (await ledger.SubmitAsync([hold], CancellationToken.None))[0];
        if (closed is TransferResult.DebitAccountAlreadyClosed or TransferResult.CreditAccountAlreadyClosed)
        {
            // Another closure holds the accounts (under way), or one closed them for good and stopped before recording it.
            await using var db = database.CreateContext();
            var mark = await db.Set<UserRow>().Where(u => u.Id == user.Id).Select(u => u.ClosingHoldId).FirstAsync(CancellationToken.None);
            return (mark is { } marked && await HoldStatusAsync(marked) == PendingStatus.Posted ? null : LifecycleErrors.ClosureInProgress,
                false);
        }
        if (closed != TransferResult.Ok)
        {
            throw new InvalidOperationException($"closing hold for wallet {user.Id} refused by the ledger: {closed}");
        }
        await MarkAsync(user.Id, hold.Id);
        var unsettled = Settlement(user);
        var swept = false;
        if (unsettled == LifecycleErrors.BalanceNotZero && sweep is not null
            && sweep(ledger.GetAccount(user.WalletAccountId)!.Value, ledger.GetAccount(user.ConsumptionAccountId)!.Value) is { Count: > 0 } moves)
        {
            var again = NewHold(user);
            var reopen = ClosureTransfer(user, DerivedIds.For(hold.Id, "void-to-sweep")) with
            {
                PendingId = hold.Id, Flags = TransferFlags.VoidPending | TransferFlags.Linked,
            };
            IReadOnlyList<Transfer> chain = [reopen,
                .. moves.Select(m => m with { Flags = m.Flags | TransferFlags.Linked }), again];
            if ((await ledger.SubmitAsync(chain, CancellationToken.None)).All(r => r.IsSuccess()))
            {
                await MarkAsync(user.Id, again.Id);
                (hold, unsettled, swept) = (again, Settlement(user), true);
            }
        }
        var resolved = (await ledger.SubmitAsync([Resolve(user, hold, post: unsettled is null)], CancellationToken.None))[0];
        if (unsettled is null && resolved.IsSuccess())
        {
            return (null, swept);
        }
        if (unsettled is null)
        {
            // Not posted (the hold lapsed meanwhile): the wallet is open again and nothing was closed; the holder may try again.
            logger.LogError("closing hold {HoldId} of a wallet not posted: {Result}", hold.Id, resolved);
        }
        await ForgetAsync(user.Id, hold.Id); // voided (or lapsed): the mark goes
        return (unsettled ?? LifecycleErrors.ClosureInProgress, swept);
    }

    private static Transfer NewHold(UserRow user) => ClosureTransfer(user, Guid.CreateVersion7()) with
    {
        DebitAccountId = user.WalletAccountId, CreditAccountId = user.ConsumptionAccountId, TimeoutSeconds = ClosingHoldSeconds,
        Flags = TransferFlags.Pending | TransferFlags.ClosingDebit | TransferFlags.ClosingCredit,
    };

    private static Transfer Resolve(UserRow user, Transfer hold, bool post) =>
        ClosureTransfer(user, DerivedIds.For(hold.Id, post ? "post" : "void")) with
        {
            PendingId = hold.Id, Flags = post ? TransferFlags.PostPending : TransferFlags.VoidPending,
        };

    private async Task MarkAsync(Guid userId, Guid holdId)
    {
        await using var db = database.CreateContext();
        await db.Set<UserRow>().Where(u => u.Id == userId)
            .ExecuteUpdateAsync(set => set.SetProperty(u => u.ClosingHoldId, holdId), CancellationToken.None);
    }

    public async Task<PendingStatus?> HoldStatusAsync(Guid holdId)
    {
        await using var db = database.CreateContext();
        var status = await db.LedgerPending.AsNoTracking().Where(p => p.Id == holdId).Select(p => (int?)p.Status)
            .FirstOrDefaultAsync(CancellationToken.None);
        return (PendingStatus?)status;
    }

    /// <summary>Clears the user's mark of <paramref name="holdId"/> (voided or lapsed).</summary>
    public async Task ForgetAsync(Guid userId, Guid holdId)
    {
        await using var db = database.CreateContext();
        await db.Set<UserRow>().Where(u => u.Id == userId && u.ClosingHoldId == holdId)
            .ExecuteUpdateAsync(set => set.SetProperty(u => u.ClosingHoldId, (Guid?)null), CancellationToken.None);
    }

    private static Transfer ClosureTransfer(UserRow user, Guid id) => new()
    {
        Id = id, Ledger = Ledgers.Cny, Code = LifecycleTransferCodes.AccountClosure, BusinessId = user.Id,
    };

    /// <summary>Why the money is not settled yet, or null when both accounts are at zero with nothing on hold.</summary>
    public WalletError? Settlement(UserRow user)
    {
        var accounts = new[] { ledger.GetAccount(user.WalletAccountId), ledger.GetAccount(user.ConsumptionAccountId) };
        if (accounts.Any(a => a is { DebitsPending: not 0 } or { CreditsPending: not 0 }))
        {
            return LifecycleErrors.OpenHolds;
        }
        return accounts.Any(a => a is { } b && b.PostedCreditBalance != 0) ? LifecycleErrors.BalanceNotZero : null;
    }
}
