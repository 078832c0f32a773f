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
    WalletCredentials credentials, WalletSessions sessions, ISmsGateway sms, IClock clock)
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
        var phone = credentials.PhoneOf(user);
        var now = clock.UtcNow;
        db.Add(new PhoneReleaseRow
        {
            Id = Guid.CreateVersion7(), UserId = user.Id, PhoneIndex = user.PhoneIndex!, PhoneMasked = PersonalDataMask.Phone(phone),
            Cause = PhoneReleaseCauses.Closed, OccurredAt = now, RecordedAt = now,
        });
        (user.Status, user.ClosedAt, user.PhoneIndex) = (WalletAccounts.StatusClosed, now, null);
        await db.SaveChangesAsync(cancellationToken);
        await sessions.RevokeAllAsync(userId, cancellationToken);
        await sms.SendAsync(phone, "account", "【知付】您的钱包已注销。感谢使用知付。", cancellationToken);
        return (now, null);
    }

    /// <summary>
    /// Closes the wallet's two ledger accounts for good, or says why not. The checks above read balances that an incoming
    /// transfer or refund (past its own status check a moment earlier) could still change; the closing hold stops every new
    /// transfer in or out at once — the single writer applies it between two others — so the balances read after it are
    /// final: money lands before it (and is seen here) or is refused by the ledger, never in a closed wallet. Not settled: the
    /// hold is voided and the wallet takes money again. Settled: the hold is posted and the accounts stay closed. A crash in
    /// between leaves the hold to time out, which reopens them; a crash after the post is finished by the holder's next try.
    /// </summary>
    private async Task<WalletError?> CloseInLedgerAsync(UserRow user)
    {
        var final = DerivedIds.For(user.Id, "closure");
        var hold = ClosureTransfer(user, Guid.CreateVersion7()) with
        {
            DebitAccountId = user.WalletAccountId, CreditAccountId = user.ConsumptionAccountId, TimeoutSeconds = ClosingHoldSeconds,
            Flags = TransferFlags.Pending | TransferFlags.ClosingDebit | TransferFlags.ClosingCredit,
        };
        var closed = (await ledger.SubmitAsync([hold], CancellationToken.None))[0];
        if (closed is TransferResult.DebitAccountAlreadyClosed or TransferResult.CreditAccountAlreadyClosed)
        {
            await using var db = database.CreateContext();
            var posted = await db.LedgerTransfers.AnyAsync(t => t.Id == final && t.Result == (int)TransferResult.Ok, CancellationToken.None);
            return posted ? null : LifecycleErrors.ClosureInProgress;
        }
        if (closed != TransferResult.Ok)
        {
            throw new InvalidOperationException($"closing hold for wallet {user.Id} refused by the ledger: {closed}");
        }
        var unsettled = Settlement(user);
        var resolve = ClosureTransfer(user, unsettled is null ? final : DerivedIds.For(hold.Id, "void")) with
        {
            PendingId = hold.Id, Flags = unsettled is null ? TransferFlags.PostPending : TransferFlags.VoidPending,
        };
        var resolved = (await ledger.SubmitAsync([resolve], CancellationToken.None))[0];
        if (!resolved.IsSuccess())
        {
            throw new InvalidOperationException($"closing hold for wallet {user.Id} not resolved: {resolved}");
        }
        return unsettled;
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

/// <summary>Why a number left its wallet (<see cref="PhoneReleaseRow.Cause"/>).</summary>
public static class PhoneReleaseCauses
{
    public const string Closed = "closed";
    public const string CarrierTransfer = "carrier-transfer";
    public const string CarrierCancel = "carrier-cancel";
}
