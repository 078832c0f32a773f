using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Core.Ledger;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;
using Zhifu.Server.Notifications;
using Zhifu.Server.Security;

namespace Zhifu.Server.Lifecycle;

/// <summary>
/// 销户 — closing a wallet (ACC-6). Only at zero balance in both ledger accounts (the balance and the consumption-only
/// funds, CARD-3) with no money on hold, and only for the holder confirming with the payment password and a one-time
/// code. The ledger closes both accounts for good (a posted closing hold, see <see cref="AccountFlags.Closed"/>), so no
/// transfer or refund under way can land money in the closed wallet. The number is released (phone index cleared, the
/// release recorded) so it can open a new wallet later, and every session ends. A frozen, detached or listed wallet is not closed from the app: its money and its case stay open.
/// </summary>
public sealed class AccountClosure(
    DatabaseOptions database, ILedger ledger, AccountRestrictions restrictions, HolderConfirmation confirmation,
    WalletCredentials credentials, WalletSessions sessions, ISmsGateway sms, IClock clock, ILogger<AccountClosure> logger)
{
    /// <summary>Restrictions the holder may close through: their own loss freeze, and dormancy (closing re-verifies anyway).</summary>
    private static readonly HashSet<string> ClosableThrough = [RestrictionKinds.HolderFreeze, RestrictionKinds.Dormant];

    /// <summary>How long a closing hold waits for its closure to finish before the ledger reopens the wallet (a crash midway).</summary>
    private const uint ClosingHoldSeconds = 300;

    public async Task<(DateTimeOffset? ClosedAt, WalletError? Error)> CloseAsync(Guid userId, string? paymentPassword, string? otp,
        CancellationToken cancellationToken)
    {
        if (!HolderConfirmation.IsWellFormed(paymentPassword, otp))
        {
            return (null, LifecycleErrors.ConfirmationRequired);
        }
        await using var db = database.CreateContext();
        var user = await db.Set<UserRow>().FirstAsync(u => u.Id == userId, cancellationToken);
        if (user.Status == WalletAccounts.StatusClosed)
        {
            return (null, WalletErrors.AccountClosed);
        }
        if ((await restrictions.ActiveAsync(user, cancellationToken)).Any(r => !ClosableThrough.Contains(r.Kind)))
        {
            return (null, LifecycleErrors.ClosureBlocked);
        }
        if (Settlement(user) is { } unsettled)
        {
            return (null, unsettled);
        }
        if (await confirmation.ConfirmAsync(user, paymentPassword, otp, HolderConfirmation.CloseAccount, cancellationToken) is { } refused)
        {
            return (null, refused);
        }
        if (await CloseInLedgerAsync(user) is { } unsettledNow)
        {
            return (null, unsettledNow);
        }
        return (await FinishAsync(userId), null);
    }

    /// <summary>
    /// Finishes closures the ledger completed (closing hold posted) whose wallet is not recorded closed — the server stopped, or
    /// the request was dropped, between the two — and forgets the mark of closures whose hold was voided or lapsed. At most 100
    /// a round; <see cref="ClosureRecoveryWorker"/> runs it every minute. How many it finished.
    /// </summary>
    public async Task<int> FinishInterruptedAsync(CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var marked = await db.Set<UserRow>().AsNoTracking()
            .Where(u => u.ClosingHoldId != null && u.Status != WalletAccounts.StatusClosed)
            .Select(u => new { u.Id, HoldId = u.ClosingHoldId!.Value }).Take(100).ToListAsync(ct);
        var finished = 0;
        foreach (var m in marked)
        {
            switch (await HoldStatusAsync(m.HoldId))
            {
                case PendingStatus.Posted:
                    await FinishAsync(m.Id);
                    finished++;
                    break;
                case PendingStatus.Open:
                    break; // a closure under way, or its hold not lapsed yet
                default:
                    await ForgetAsync(m.Id, m.HoldId);
                    break;
            }
        }
        return finished;
    }

    /// <summary>
    /// Records the closure once the ledger closed the accounts for good: status 9, the number released, every session ended, a
    /// confirmation SMS. One conditional update decides, so a closure finished twice at once (the request and the recovery
    /// worker, two requests) releases the number and tells the holder once. When it closed.
    /// </summary>
    private async Task<DateTimeOffset> FinishAsync(Guid userId)
    {
        var now = clock.UtcNow;
        await using var db = database.CreateContext();
        var user = await db.Set<UserRow>().AsNoTracking().FirstAsync(u => u.Id == userId, CancellationToken.None);
        await using (var tx = await db.Database.BeginTransactionAsync(CancellationToken.None))
        {
            var changed = await db.Set<UserRow>().Where(u => u.Id == userId && u.Status != WalletAccounts.StatusClosed)
                .ExecuteUpdateAsync(set => set.SetProperty(u => u.Status, WalletAccounts.StatusClosed).SetProperty(u => u.ClosedAt, now)
                    .SetProperty(u => u.PhoneIndex, (byte[]?)null).SetProperty(u => u.ClosingHoldId, (Guid?)null), CancellationToken.None);
            if (changed == 0)
            {
                await tx.RollbackAsync(CancellationToken.None);
                return (await db.Set<UserRow>().AsNoTracking().FirstAsync(u => u.Id == userId, CancellationToken.None)).ClosedAt!.Value;
            }
            db.Add(new PhoneReleaseRow
            {
                Id = Guid.CreateVersion7(), UserId = userId, PhoneIndex = user.PhoneIndex!,
                PhoneMasked = PersonalDataMask.Phone(credentials.PhoneOf(user)), Cause = PhoneReleaseCauses.Closed, OccurredAt = now,
                RecordedAt = now,
            });
            await db.SaveChangesAsync(CancellationToken.None);
            await tx.CommitAsync(CancellationToken.None);
        }
        await sessions.RevokeAllAsync(userId, CancellationToken.None);
        await sms.SendAsync(credentials.PhoneOf(user), "account", "【知付】您的钱包已注销。感谢使用知付。", CancellationToken.None);
        return now;
    }

    /// <summary>
    /// Closes the wallet's two ledger accounts for good, or says why not. The checks above read balances that an incoming
    /// transfer or refund (past its own status check a moment earlier) could still change; the closing hold stops every new
    /// transfer in or out at once — the single writer applies it between two others — so the balances read after it are
    /// final: money lands before it (and is seen here) or is refused by the ledger, never in a closed wallet. The hold is marked
    /// on the user row; not settled: it is voided and the wallet takes money again; settled: it is posted and the accounts stay
    /// closed. A crash before the post leaves the hold to lapse (the wallet reopens); after it, the recovery worker or the
    /// holder's next try finishes the closure from the mark.
    /// </summary>
    private async Task<WalletError?> CloseInLedgerAsync(UserRow user)
    {
        var hold = ClosureTransfer(user, Guid.CreateVersion7()) with
        {
            DebitAccountId = user.WalletAccountId, CreditAccountId = user.ConsumptionAccountId, TimeoutSeconds = ClosingHoldSeconds,
            Flags = TransferFlags.Pending | TransferFlags.ClosingDebit | TransferFlags.ClosingCredit,
        };
        var closed = (await ledger.SubmitAsync([hold], CancellationToken.None))[0];
        if (closed is TransferResult.DebitAccountAlreadyClosed or TransferResult.CreditAccountAlreadyClosed)
        {
            // Another closure holds the accounts (under way), or one closed them for good and stopped before recording it.
            await using var db = database.CreateContext();
            var mark = await db.Set<UserRow>().Where(u => u.Id == user.Id).Select(u => u.ClosingHoldId).FirstAsync(CancellationToken.None);
            return mark is { } marked && await HoldStatusAsync(marked) == PendingStatus.Posted ? null : LifecycleErrors.ClosureInProgress;
        }
        if (closed != TransferResult.Ok)
        {
            throw new InvalidOperationException($"closing hold for wallet {user.Id} refused by the ledger: {closed}");
        }
        await using (var db = database.CreateContext())
        {
            await db.Set<UserRow>().Where(u => u.Id == user.Id)
                .ExecuteUpdateAsync(set => set.SetProperty(u => u.ClosingHoldId, hold.Id), CancellationToken.None);
        }
        var unsettled = Settlement(user);
        var resolve = ClosureTransfer(user, DerivedIds.For(hold.Id, unsettled is null ? "post" : "void")) with
        {
            PendingId = hold.Id, Flags = unsettled is null ? TransferFlags.PostPending : TransferFlags.VoidPending,
        };
        var resolved = (await ledger.SubmitAsync([resolve], CancellationToken.None))[0];
        if (unsettled is null && resolved.IsSuccess())
        {
            return null;
        }
        if (unsettled is null)
        {
            // Not posted (the hold lapsed meanwhile): the wallet is open again and nothing was closed; the holder may try again.
            logger.LogError("closing hold {HoldId} of a wallet not posted: {Result}", hold.Id, resolved);
        }
        await ForgetAsync(user.Id, hold.Id); // voided (or lapsed): the mark goes
        return unsettled ?? LifecycleErrors.ClosureInProgress;
    }

    private async Task<PendingStatus?> HoldStatusAsync(Guid holdId)
    {
        await using var db = database.CreateContext();
        var status = await db.LedgerPending.AsNoTracking().Where(p => p.Id == holdId).Select(p => (int?)p.Status)
            .FirstOrDefaultAsync(CancellationToken.None);
        return (PendingStatus?)status;
    }

    private async Task ForgetAsync(Guid userId, Guid holdId)
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
    private WalletError? Settlement(UserRow user)
    {
        var accounts = new[] { ledger.GetAccount(user.WalletAccountId), ledger.GetAccount(user.ConsumptionAccountId) };
        if (accounts.Any(a => a is { DebitsPending: not 0 } or { CreditsPending: not 0 }))
        {
            return LifecycleErrors.OpenHolds;
        }
        return accounts.Any(a => a is { } b && b.PostedCreditBalance != 0) ? LifecycleErrors.BalanceNotZero : null;
    }
}

/// <summary>Finishes interrupted closures every minute (<see cref="AccountClosure.FinishInterruptedAsync"/>).</summary>
public sealed class ClosureRecoveryWorker(AccountClosure closure, IHostApplicationLifetime lifetime, ILogger<ClosureRecoveryWorker> logger)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Hosting.PeriodicWork.RunAsync(TimeSpan.FromMinutes(1),
        closure.FinishInterruptedAsync, logger, "Closure recovery failed", stoppingToken,
        before: ct => Hosting.ServerStarted.WaitAsync(lifetime, ct));
}

/// <summary>Why a number left its wallet (<see cref="PhoneReleaseRow.Cause"/>).</summary>
public static class PhoneReleaseCauses
{
    public const string Closed = "closed";
    public const string CarrierTransfer = "carrier-transfer";
    public const string CarrierCancel = "carrier-cancel";
}
