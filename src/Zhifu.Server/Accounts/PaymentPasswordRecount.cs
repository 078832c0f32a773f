using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Security;

namespace Zhifu.Server.Accounts;

/// <summary>
/// A right payment password's failure count, still to start again (ACC-7; counted before the check, <see cref="SecretAttempts"/>).
/// The payment starts it again inside the transaction of its PAYING statement (<see cref="InAsync"/>, then <see cref="Done"/> once
/// that commits); disposed before that — a refusal after the password, a failure — it starts it again in a commit of its own.
/// </summary>
public sealed class PaymentPasswordRecount(DatabaseOptions database, Guid userId) : IAsyncDisposable
{
    private bool _done;

    /// <summary>The statement, in <paramref name="db"/>'s open transaction.</summary>
    public Task<int> InAsync(ZhifuDb db)
    {
        ArgumentNullException.ThrowIfNull(db);
        return SecretAttempts.StartAgainAsync(db.Set<UserRow>().Where(u => u.Id == userId), WalletCredentials.PaymentColumns);
    }

    /// <summary>The transaction holding <see cref="InAsync"/> committed.</summary>
    public void Done() => _done = true;

    public async ValueTask DisposeAsync()
    {
        if (!_done)
        {
            _done = true;
            await using var db = database.CreateContext();
            await InAsync(db);
        }
    }
}
