using System.Security.Claims;
using Zhifu.Core;
using Zhifu.Server.Accounts;
using Zhifu.Server.Hosting;

namespace Zhifu.Server.Payments;

/// <summary>The wallet's side of a merchant payment (PAY-1): see what a scanned code asks for, then pay it.</summary>
public static class WalletPaymentEndpoints
{
    public sealed record PayRequest(string? PaymentPassword, string? VerificationCode = null);

    public sealed record PaymentDto(string Code, string Merchant, string Description, long AmountFen, string Amount, string State,
        bool Payable, string ExpiresAt, string? TransactionId, string? PaidAt);

    public static void Map(WebApplication app)
    {
        var group = app.MapGroup("/api/wallet/payments").WithTags("Wallet: merchant payments").RequireAuthorization(WalletSessions.Scheme);
        // 授权: the user's id towards one merchant app (openid), which the merchant's JSAPI order names as payer (PAY-2)
        group.MapGet("/openid", (string? appid, ClaimsPrincipal user, PaymentLedger money, HttpContext h) =>
            string.IsNullOrEmpty(appid) || appid.Length > 32 || !appid.All(char.IsAsciiLetterOrDigit)
                ? ApiProblem.Create(h, 400, "INVALID_APPID", "appid 须为 1–32 位字母或数字", "appid must be 1–32 letters or digits")
                : Results.Ok(new { appid, openid = money.OpenId(appid, user.UserId()) }));
        group.MapGet("/{code}", async (string code, ClaimsPrincipal user, IServiceProvider s, HttpContext h) =>
        {
            var (order, merchant) = await FindAsync(code, s, h.RequestAborted);
            return order is null ? PaymentErrors.NotFound.ToResult(h)
                : Results.Ok(Dto(order, merchant!,
                    await s.GetRequiredService<WalletPayments>().UnpayableAsync(order, user.UserId(), h.RequestAborted) is null));
        });
        group.MapPost("/{code}/pay", async (string code, PayRequest request, ClaimsPrincipal user, IServiceProvider s, HttpContext h) =>
        {
            var (order, merchant) = await FindAsync(code, s, h.RequestAborted);
            if (order is null)
            {
                return PaymentErrors.NotFound.ToResult(h);
            }
            var (paid, error) = await s.GetRequiredService<WalletPayments>().PayAsync(user.UserId(), order, request.PaymentPassword,
                request.VerificationCode is { Length: <= 16 } ? request.VerificationCode : null, Risk.RiskOrigin.Of(h), h.RequestAborted);
            return error?.ToResult(h) ?? Results.Ok(Dto(paid!, merchant!, false));
        });
    }

    private static Task<(Zhifu.Data.Entities.PaymentOrderRow? Order, string? Merchant)> FindAsync(string code, IServiceProvider services,
        CancellationToken ct) => services.GetRequiredService<WalletPayments>().FindAsync(code, ct);

    private static PaymentDto Dto(Zhifu.Data.Entities.PaymentOrderRow o, string merchant, bool payable) => new(o.Code, merchant,
        o.Description, o.TotalFen, new Money(o.TotalFen).ToString(), o.State == PaymentOrders.Paying ? PaymentOrders.NotPay : o.State,
        payable, ChinaTime.Format(o.ExpiresAt), o.State == PaymentOrders.Success ? o.TransactionId : null,
        o.SuccessTime is { } t ? ChinaTime.Format(t) : null);
}
