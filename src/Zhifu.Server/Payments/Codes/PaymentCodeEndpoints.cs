using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;
using Zhifu.Server.Lifecycle;

namespace Zhifu.Server.Payments.Codes;

/// <summary>
/// The wallet's payment code (付款码, PAY-2): show a fresh one (the page refreshes it before it expires), and see the charges
/// merchants made with it that wait for the payment password (then pay them through <c>/api/wallet/payments/{code}/pay</c>).
/// </summary>
public static class PaymentCodeEndpoints
{
    /// <summary>A fresh code: show it as QR code and barcode; ask for a new one before <see cref="ExpiresAt"/>.</summary>
    public sealed record PaymentCodeDto(string AuthCode, string ExpiresAt, int ValidSeconds);

    /// <summary>A charge by payment code waiting for the payer: open it with <see cref="Code"/> like a scanned order.</summary>
    public sealed record PendingChargeDto(string Code, string Merchant, string Description, long AmountFen, string Amount,
        string ExpiresAt);

    public static void Map(WebApplication app)
    {
        var group = app.MapGroup("/api/wallet/me/payment-code").WithTags("Wallet: payment code")
            .RequireAuthorization(WalletSessions.Scheme);
        group.MapPost("", async (ClaimsPrincipal user, PaymentCodes codes, IAccountGuard guard, PaymentsOptions options, HttpContext h) =>
        {
            if (await guard.EnsureCanTransactAsync(user.UserId(), Business.NonCounterOut, h.RequestAborted) is { } blocked)
            {
                return blocked.ToResult(h); // a frozen, dormant or listed wallet shows no code (ACC-4 … ACC-6)
            }
            var (code, expires) = await codes.IssueAsync(user.UserId(), h.RequestAborted);
            return Results.Ok(new PaymentCodeDto(code, ChinaTime.Format(expires), options.PaymentCodeSeconds));
        });
        group.MapGet("/pending", async (ClaimsPrincipal user, DatabaseOptions database, IClock clock, HttpContext h) =>
        {
            var userId = user.UserId();
            var now = clock.UtcNow;
            await using var db = database.CreateContext();
            var pending = await db.Set<PaymentOrderRow>().AsNoTracking()
                .Where(o => o.CodeUserId == userId && o.State == PaymentOrders.NotPay && o.ExpiresAt > now)
                .Join(db.Merchants, o => o.MerchantId, m => m.Id, (o, m) => new { o, m.Name })
                .OrderByDescending(x => x.o.CreatedAt).Take(10).ToListAsync(h.RequestAborted);
            return Results.Ok(pending.Select(x => new PendingChargeDto(x.o.Code, x.Name, x.o.Description, x.o.TotalFen,
                new Money(x.o.TotalFen).ToString(), ChinaTime.Format(x.o.ExpiresAt))));
        });
    }
}
