using Microsoft.EntityFrameworkCore;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;

namespace Zhifu.Server.Funds;

/// <summary>Decides whether a wallet may move money in or out right now (account state, restrictions, class limits).</summary>
public interface IFundsGuard
{
    /// <summary>Null when allowed, else the refusal.</summary>
    Task<WalletError?> CheckAsync(UserRow user, string kind, long amountFen, CancellationToken cancellationToken);
}

/// <summary>
/// The account-state part of the rule: a closed wallet, an unverified one (no real name, ACC-2), or one with any
/// restriction in force (frozen, dormant, involved, detached number — ACC-4…6) moves no money.
/// </summary>
public sealed class AccountStateFundsGuard(DatabaseOptions database) : IFundsGuard
{
    public static readonly WalletError RealNameRequired = new(403, "REAL_NAME_REQUIRED", "请先完成实名认证", "Verify your real name first");
    public static readonly WalletError Restricted = new(403, "ACCOUNT_RESTRICTED", "账户受限，暂不能办理资金业务", "The account is restricted");

    public async Task<WalletError?> CheckAsync(UserRow user, string kind, long amountFen, CancellationToken cancellationToken)
    {
        if (user.Status == WalletAccounts.StatusClosed)
        {
            return WalletErrors.AccountClosed;
        }
        if (user.AccountClass == 0)
        {
            return RealNameRequired;
        }
        await using var db = database.CreateContext();
        return await db.Set<AccountRestrictionRow>().AnyAsync(r => r.UserId == user.Id && r.LiftedAt == null, cancellationToken)
            ? Restricted
            : null;
    }
}
