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
    ISmsGateway sms, AuditLog audit)
{
    public const string HolderReason = "本人挂失 reported lost by the holder";

    public async Task<(AccountRestrictionRow? Freeze, WalletError? Error)> FreezeByHolderAsync(Guid userId,
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
            return (open, null);
        }
        var freeze = await restrictions.AddAsync(userId, RestrictionKinds.HolderFreeze, HolderReason, "holder", cancellationToken);
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

    public async Task<(AccountRestrictionRow? Freeze, WalletError? Error)> FreezeByOperatorAsync(Guid userId, string reason,
        OperatorActor by, CancellationToken cancellationToken)
    {
        var user = await accounts.FindAsync(userId, cancellationToken);
        if (user is null)
        {
            return (null, LifecycleErrors.UserNotFound);
        }
        if (user.Status == WalletAccounts.StatusClosed)
        {
            return (null, WalletErrors.AccountClosed);
        }
        if (await restrictions.FindOpenAsync(userId, RestrictionKinds.OperatorFreeze, cancellationToken) is not null)
        {
            return (null, LifecycleErrors.AlreadyFrozen);
        }
        var freeze = await restrictions.AddAsync(userId, RestrictionKinds.OperatorFreeze, reason, by.CreatedBy, cancellationToken);
        await audit.AppendAsync(by.Username, by.Role, "account.freeze", $"user:{userId}", $"reason: {reason}", cancellationToken);
        return (freeze, null);
    }

    public async Task<WalletError?> UnfreezeByOperatorAsync(Guid userId, string reason, OperatorActor by,
        CancellationToken cancellationToken)
    {
        if (await accounts.FindAsync(userId, cancellationToken) is null)
        {
            return LifecycleErrors.UserNotFound;
        }
        if (await restrictions.LiftAsync(userId, RestrictionKinds.OperatorFreeze, by.CreatedBy, cancellationToken) == 0)
        {
            return LifecycleErrors.NotFrozen;
        }
        await audit.AppendAsync(by.Username, by.Role, "account.unfreeze", $"user:{userId}", $"reason: {reason}", cancellationToken);
        return null;
    }
}
