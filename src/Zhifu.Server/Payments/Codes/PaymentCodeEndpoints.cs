using System.Security.Claims;
using Zhifu.Core;
using Zhifu.Server.Accounts;

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
        group.MapPost("", async (ClaimsPrincipal user, HolderPaymentCodes codes, HttpContext h) =>
        {
            var (code, expires, error) = await codes.IssueAsync(user.UserId(), h.RequestAborted);
            return error?.ToResult(h) ?? Results.Ok(new PaymentCodeDto(code!, ChinaTime.Format(expires), codes.ValidSeconds));
        });
        group.MapGet("/pending", async (ClaimsPrincipal user, HolderPaymentCodes codes, HttpContext h) =>
            Results.Ok((await codes.PendingAsync(user.UserId(), h.RequestAborted)).Select(c => new PendingChargeDto(c.Code, c.Merchant,
                c.Description, c.AmountFen, new Money(c.AmountFen).ToString(), ChinaTime.Format(c.ExpiresAt)))));
    }
}
