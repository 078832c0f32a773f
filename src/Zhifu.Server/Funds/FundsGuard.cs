using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;
using Zhifu.Server.Lifecycle;

namespace Zhifu.Server.Funds;

/// <summary>Decides whether a wallet may move money in or out right now (account state, restrictions, real name).</summary>
public interface IFundsGuard
{
    /// <summary>Null when allowed, else the refusal.</summary>
    Task<WalletError?> CheckAsync(UserRow user, string kind, long amountFen, CancellationToken cancellationToken);
}

/// <summary>
/// The account-state part of the rule. Restrictions are the Lifecycle guard's alone (ACC-4 … ACC-6: closed, detached
/// number, involved account or person, frozen, dormant): a top-up is money in, a withdrawal money out, both through the app
/// (非柜面), and the refusal names the decisive restriction. Then an unverified wallet (no real name, ACC-2) moves no money.
/// Class limits are the withdrawal's own ledger legs (<see cref="OwnCardWithdrawals"/>).
/// </summary>
public sealed class AccountStateFundsGuard(IAccountGuard accounts) : IFundsGuard
{
    public static readonly WalletError RealNameRequired = new(403, "REAL_NAME_REQUIRED", "请先完成实名认证", "Verify your real name first");

    public async Task<WalletError?> CheckAsync(UserRow user, string kind, long amountFen, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var business = kind == FundMovements.TopUp ? Business.NonCounterIn : Business.NonCounterOut;
        if (await accounts.EnsureCanTransactAsync(user.Id, business, cancellationToken) is { } blocked)
        {
            return blocked;
        }
        return user.AccountClass == 0 ? RealNameRequired : null;
    }
}
