using Microsoft.EntityFrameworkCore;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;

namespace Zhifu.Server.Lifecycle;

/// <summary>
/// The one check every money feature makes before moving a wallet's money (ACC-4, ACC-5, ACC-6): a closed, detached,
/// involved, frozen or dormant wallet is refused with a stable code naming the restriction.
/// </summary>
public interface IAccountGuard
{
    /// <summary>Null when the wallet may do this business now; else the refusal naming the most decisive restriction.</summary>
    Task<WalletError?> EnsureCanTransactAsync(Guid userId, Business kind, CancellationToken cancellationToken);

    /// <summary>The same check for a wallet the caller has just read (one read fewer on a payment's path).</summary>
    Task<WalletError?> EnsureCanTransactAsync(UserRow user, Business kind, CancellationToken cancellationToken);
}

/// <inheritdoc />
public sealed class AccountGuard(DatabaseOptions database, AccountRestrictions restrictions) : IAccountGuard
{
    public async Task<WalletError?> EnsureCanTransactAsync(Guid userId, Business kind, CancellationToken cancellationToken)
    {
        UserRow? user;
        await using (var db = database.CreateContext())
        {
            user = await db.Set<UserRow>().AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, cancellationToken);
        }
        return user is null ? LifecycleErrors.UserNotFound : await EnsureCanTransactAsync(user, kind, cancellationToken);
    }

    public async Task<WalletError?> EnsureCanTransactAsync(UserRow user, Business kind, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var active = await restrictions.ActiveAsync(user, cancellationToken);
        return active.FirstOrDefault(r => r.Blocks(kind)) is { } blocking ? LifecycleErrors.For(blocking.Kind) : null;
    }
}
