using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;
using Zhifu.Server.Notifications;
using Zhifu.Server.Security;

namespace Zhifu.Server.Lifecycle;

/// <summary>
/// Freeze and unfreeze (ACC-6). The holder freezes at once on loss with nothing but a session (the phone may be gone) and
/// unfreezes only with the payment password and a one-time code; operators freeze and unfreeze for risk or legal reasons,
/// with the reason recorded and audited (SEC-1). A frozen wallet can still be viewed; the guard refuses its money moves.
/// </summary>
public sealed class AccountFreezes(
    WalletAccounts accounts, AccountRestrictions restrictions, HolderConfirmation confirmation, WalletCredentials credentials,
    Accounts.WalletSessions sessions, ISmsGateway sms, AuditLog audit)
{
    public const string HolderReason = "本人挂失 reported lost by the holder";

    /// <summary>
    /// 挂失冻结 by the holder from <paramref name="fromSession"/>: no money moves, and every other session of the wallet ends —
    /// the lost phone's among them, whose open wallet would otherwise go on (and could ask for codes sent to that very phone).
    /// </summary>
    public async Task<(AccountRestrictionRow? Freeze, WalletError? Error)> FreezeByHolderAsync(Guid userId, Guid fromSession,
        CancellationToken cancellationToken)
    {
        var user = (await accounts.FindAsync(userId, cancellationToken))!;
        if (user.Status == WalletAccounts.StatusClosed)
        {
            return (null, WalletErrors.AccountClosed);
        }
        // Idempotent: a holder who taps twice on a bad network is frozen once, since the first tap.
        if (await restrictions.FindOpenAsync(userId, RestrictionKinds.HolderFreeze, cancellationToken) is { } open)
        {
            await sessions.RevokeAllAsync(userId, CancellationToken.None, except: fromSession);
            return (open, null);
        }
        var freeze = await restrictions.AddAsync(userId, RestrictionKinds.HolderFreeze, HolderReason, "holder", cancellationToken);
        await sessions.RevokeAllAsync(userId, CancellationToken.None, except: fromSession);
        if (user.PhoneIndex is not null)
        {
            await sms.SendAsync(credentials.PhoneOf(user), "alert", "【知付】您的钱包已挂失冻结，资金收付已暂停。如非本人操作，请立即联系客服。",
                cancellationToken);
        }
        return (freeze, null);
    }

    public async Task<WalletError?> UnfreezeByHolderAsync(Guid userId, string? paymentPassword, string? otp,
        CancellationToken cancellationToken)
    {
        if (!HolderConfirmation.IsWellFormed(paymentPassword, otp))
        {
            return LifecycleErrors.ConfirmationRequired;
        }
        if (await restrictions.FindOpenAsync(userId, RestrictionKinds.HolderFreeze, cancellationToken) is null)
        {
            return LifecycleErrors.NotFrozen;
        }
        var user = (await accounts.FindAsync(userId, cancellationToken))!;
        if (await confirmation.ConfirmAsync(user, paymentPassword, otp, HolderConfirmation.Unfreeze, cancellationToken) is { } refused)
        {
            return refused;
        }
        await restrictions.LiftAsync(userId, RestrictionKinds.HolderFreeze, "holder", cancellationToken);
        return null;
    }

    /// <summary>The restriction kind of an operator's freeze: 司法 (<paramref name="legal"/>) or 风控.</summary>
    public static string OperatorKind(bool legal) => legal ? RestrictionKinds.LegalFreeze : RestrictionKinds.OperatorFreeze;

    /// <summary>Freezes for a risk reason, or on a legal order (<paramref name="legal"/>: risk and operations staff only). The two
    /// are separate restrictions: a wallet may carry both, and each is lifted on its own.</summary>
    public async Task<(AccountRestrictionRow? Freeze, WalletError? Error)> FreezeByOperatorAsync(Guid userId, string reason, bool legal,
        OperatorActor by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(by);
        if (legal && !MaySetLegal(by))
        {
            return (null, LifecycleErrors.LegalFreezeRole);
        }
        var user = await accounts.FindAsync(userId, cancellationToken);
        if (user is null)
        {
            return (null, LifecycleErrors.UserNotFound);
        }
        if (user.Status == WalletAccounts.StatusClosed)
        {
            return (null, WalletErrors.AccountClosed);
        }
        var kind = OperatorKind(legal);
        if (await restrictions.FindOpenAsync(userId, kind, cancellationToken) is not null)
        {
            return (null, LifecycleErrors.AlreadyFrozen);
        }
        var freeze = await restrictions.AddAsync(userId, kind, reason, by.CreatedBy, cancellationToken);
        await audit.AppendAsync(by.Username, by.Role, "account.freeze", $"user:{userId}", $"{kind}; reason: {reason}");
        return (freeze, null);
    }

    /// <summary>Lifts the operator freeze of that basis only (a risk freeze lifted leaves a legal one in force).</summary>
    public async Task<WalletError?> UnfreezeByOperatorAsync(Guid userId, string reason, bool legal, OperatorActor by,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(by);
        if (legal && !MaySetLegal(by))
        {
            return LifecycleErrors.LegalFreezeRole;
        }
        if (await accounts.FindAsync(userId, cancellationToken) is null)
        {
            return LifecycleErrors.UserNotFound;
        }
        var kind = OperatorKind(legal);
        if (await restrictions.LiftAsync(userId, kind, by.CreatedBy, cancellationToken) == 0)
        {
            return LifecycleErrors.NotFrozen;
        }
        await audit.AppendAsync(by.Username, by.Role, "account.unfreeze", $"user:{userId}", $"{kind}; reason: {reason}");
        return null;
    }

    /// <summary>Who may set or lift a legal freeze: risk and operations staff, not customer service.</summary>
    public static bool MaySetLegal(OperatorActor by) => by?.Role is "risk" or "operations";
}
