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
    DatabaseOptions database, WalletLedgerClosing closing, AccountRestrictions restrictions, HolderConfirmation confirmation,
    WalletCredentials credentials, WalletSessions sessions, ISmsGateway sms, IClock clock, ILogger<AccountClosure> logger)
{
    /// <summary>Restrictions the holder may close through: their own loss freeze, and dormancy (closing re-verifies anyway).</summary>
    private static readonly HashSet<string> ClosableThrough = [RestrictionKinds.HolderFreeze, RestrictionKinds.Dormant];

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
        if (closing.Settlement(user) is { } unsettled)
        {
            return (null, unsettled);
        }
        if (await db.Set<WalletMergeRow>().AnyAsync(m => m.ToUserId == userId && m.LedgerClosedAt == null, cancellationToken))
        {
            // ACC-2 merge left open: what its holds give back moves here later, and a closed wallet could not take it
            return (null, LifecycleErrors.MergeUnsettled);
        }
        if (await confirmation.ConfirmAsync(user, paymentPassword, otp, HolderConfirmation.CloseAccount, cancellationToken) is { } refused)
        {
            return (null, refused);
        }
        if ((await closing.CloseAsync(user)).Unsettled is { } unsettledNow)
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
            .OrderBy(u => u.Id).Select(u => new { u.Id, HoldId = u.ClosingHoldId!.Value }).Take(100).ToListAsync(ct);
        var finished = 0;
        foreach (var m in marked)
        {
            try
            {
                switch (await closing.HoldStatusAsync(m.HoldId))
                {
                    case PendingStatus.Posted:
                        await FinishAsync(m.Id);
                        finished++;
                        break;
                    case PendingStatus.Open:
                        break; // a closure under way, or its hold not lapsed yet
                    default:
                        await closing.ForgetAsync(m.Id, m.HoldId);
                        break;
                }
            }
            catch (Exception e) when (e is DbUpdateException or InvalidOperationException)
            {
                // one closure that cannot be finished now must not hold up every other one behind it
                logger.LogError(e, "Closure of {UserId} not finished; next round", m.Id);
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
        var phone = credentials.PhoneOf(user);
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
            if (user.PhoneIndex is { } index) // detached by the carrier meanwhile: its release is recorded already
            {
                db.Add(new PhoneReleaseRow
                {
                    Id = Guid.CreateVersion7(), UserId = userId, PhoneIndex = index, PhoneMasked = PersonalDataMask.Phone(phone),
                    Cause = PhoneReleaseCauses.Closed, OccurredAt = now, RecordedAt = now,
                });
            }
            await db.SaveChangesAsync(CancellationToken.None);
            await tx.CommitAsync(CancellationToken.None);
        }
        await sessions.RevokeAllAsync(userId, CancellationToken.None);
        if (user.PhoneIndex is not null) // never to a number that has passed to someone else
        {
            await sms.SendAsync(phone, "account", "【知付】您的钱包已注销。感谢使用知付。", CancellationToken.None);
        }
        return now;
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
