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
/// code. The number is released (phone index cleared, the release recorded) so it can open a new wallet later, and every
/// session ends. A frozen, detached or listed wallet is not closed from the app: its money and its case stay open.
/// </summary>
public sealed class AccountClosure(
    DatabaseOptions database, ILedger ledger, AccountRestrictions restrictions, HolderConfirmation confirmation,
    WalletCredentials credentials, WalletSessions sessions, ISmsGateway sms, IClock clock)
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
        if (Settlement(user) is { } unsettled)
        {
            return (null, unsettled);
        }
        if (await confirmation.ConfirmAsync(user, paymentPassword, otp, HolderConfirmation.CloseAccount, cancellationToken) is { } refused)
        {
            return (null, refused);
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
