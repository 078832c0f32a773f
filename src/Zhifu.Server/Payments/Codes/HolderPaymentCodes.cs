using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;
using Zhifu.Server.Lifecycle;

namespace Zhifu.Server.Payments.Codes;

/// <summary>A charge by payment code that waits for the payer's payment password.</summary>
public sealed record PendingCharge(string Code, string Merchant, string Description, long AmountFen, DateTimeOffset ExpiresAt);

/// <summary>
/// The holder's side of the payment code (付款码, PAY-2), shared by the Wallet API and the wallet console: a fresh code unless
/// the wallet may not pay (frozen, dormant, listed: ACC-4 … ACC-6), and the charges merchants made with it that wait.
/// </summary>
public sealed class HolderPaymentCodes(PaymentCodes codes, IAccountGuard guard, PaymentsOptions options, DatabaseOptions database,
    IClock clock)
{
    public int ValidSeconds => options.PaymentCodeSeconds;

    public async Task<(string? Code, DateTimeOffset ExpiresAt, WalletError? Error)> IssueAsync(Guid userId, CancellationToken ct)
    {
        if (await guard.EnsureCanTransactAsync(userId, Business.NonCounterOut, ct) is { } blocked)
        {
            return (null, default, blocked); // a frozen, dormant or listed wallet shows no code
        }
        var (code, expires) = await codes.IssueAsync(userId, ct);
        return (code, expires, null);
    }

    public async Task<IReadOnlyList<PendingCharge>> PendingAsync(Guid userId, CancellationToken ct)
    {
        var now = clock.UtcNow;
        await using var db = database.CreateContext();
        var pending = await db.Set<PaymentOrderRow>().AsNoTracking()
            .Where(o => o.CodeUserId == userId && o.State == PaymentOrders.NotPay && o.ExpiresAt > now)
            .Join(db.Merchants.Where(m => m.Status == MerchantRow.Active), o => o.MerchantId, m => m.Id, (o, m) => new { o, m.Name }) // MER-1
            .OrderByDescending(x => x.o.CreatedAt).Take(10).ToListAsync(ct);
        return [.. pending.Select(x => new PendingCharge(x.o.Code, x.Name, x.o.Description, x.o.TotalFen, x.o.ExpiresAt))];
    }
}
