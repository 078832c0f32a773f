using System.Security.Claims;
using System.Text.RegularExpressions;
using Zhifu.Core;
using Zhifu.Core.Banking;
using Zhifu.Server.Accounts;
using Zhifu.Server.Funds;

namespace Zhifu.Server.Transfers;

/// <summary>The Wallet API's transfer routes (TRF-1 … TRF-3): payee preview, send, receipt, revoke, limits, second factor.</summary>
public static partial class TransferEndpoints
{
    public sealed record TransferRequest(string? RequestId, string? PayeePhone, long? AmountFen, string? Arrival, string? PaymentPassword,
        string? VerificationCode, string? ConfirmationToken, string? Memo);
    public sealed record CardTransferRequest(string? RequestId, string? CardToken, long? AmountFen, string? PaymentPassword,
        string? VerificationCode, string? ConfirmationToken);
    public sealed record PayeeDto(string Payee, string PayeeName, string ArrivalNotice, string ArrivalNoticeEn);

    public static void Map(WebApplication app)
    {
        var me = app.MapGroup("/api/wallet/me").WithTags("Wallet: transfers").RequireAuthorization(WalletSessions.Scheme);
        me.MapGet("/transfers/payee", PayeeAsync);
        me.MapPost("/transfers", SendAsync);
        me.MapPost("/card-transfers", SendToCardAsync);
        me.MapGet("/transfers/{id:guid}", async (Guid id, ClaimsPrincipal u, WalletTransfers t, HttpContext h) =>
            await t.FindAsync(id) is { } row
                && (row.PayerUserId == u.UserId() || (row.PayeeUserId == u.UserId() && row.Status == WalletTransfers.Succeeded))
                ? Results.Ok(TransferDto.Of(row, u.UserId())) : TransferErrors.TransferNotFound.ToResult(h));
        me.MapPost("/transfers/{id:guid}/revocation", async (Guid id, ClaimsPrincipal u, WalletTransfers t, HttpContext h) =>
            await t.RevokeAsync(u.UserId(), id) is var (row, problem) && problem is null
                ? Results.Ok(TransferDto.Of(row!, u.UserId())) : problem!.ToResult(h));
        me.MapPost("/transfers/verification-code", async (ClaimsPrincipal u, WalletAccounts a, WalletCredentials c, OneTimeCodes codes,
            HttpContext h) =>
        {
            var phone = c.PhoneOf((await a.FindAsync(u.UserId(), h.RequestAborted))!);
            return await codes.SendAsync(phone, TransferVerification.CodePurpose, h.RequestAborted) is { } error
                ? error.ToResult(h)
                : Results.Accepted(value: new { sentTo = PersonalDataMask.Phone(phone), purpose = TransferVerification.CodePurpose });
        });
        me.MapGet("/transfer-limits", async (ClaimsPrincipal u, WalletAccounts a, TransferLimits l, HttpContext h) =>
            Results.Ok(await TransferLimitDto.OfAsync((await a.FindAsync(u.UserId(), h.RequestAborted))!, l, h.RequestAborted)));
    }

    private static async Task<IResult> PayeeAsync(string? phone, string? arrival, ClaimsPrincipal principal, IServiceProvider services,
        HttpContext context)
    {
        arrival ??= WalletTransfers.RealTime;
        if (phone is null || !PhonePattern().IsMatch(phone))
        {
            return WalletErrors.InvalidPhone.ToResult(context);
        }
        if (!Arrivals(services).Contains(arrival))
        {
            return TransferErrors.InvalidArrival.ToResult(context);
        }
        var target = await WalletTargetAsync(phone, principal.UserId(), services, context.RequestAborted);
        return target is null ? TransferErrors.PayeeNotFound.ToResult(context)
            : Results.Ok(new PayeeDto(target.Masked, target.NameMasked, TransferDto.NoticeZh(arrival, null),
                TransferDto.NoticeEn(arrival, null)));
    }

    private static async Task<IResult> SendAsync(TransferRequest? request, ClaimsPrincipal principal, IServiceProvider services,
        HttpContext context)
    {
        if (request is null || request.PayeePhone is null || request.AmountFen is null || request.PaymentPassword is null)
        {
            return TransferErrors.InvalidRequest.ToResult(context);
        }
        var arrival = request.Arrival ?? WalletTransfers.RealTime;
        if (Check(context, request.RequestId, request.AmountFen.Value, request.PaymentPassword, request.VerificationCode,
            request.ConfirmationToken) is { } bad)
        {
            return bad.ToResult(context);
        }
        if (!PhonePattern().IsMatch(request.PayeePhone))
        {
            return WalletErrors.InvalidPhone.ToResult(context);
        }
        if (!Arrivals(services).Contains(arrival))
        {
            return TransferErrors.InvalidArrival.ToResult(context);
        }
        if (request.Memo is { Length: > 32 })
        {
            return TransferErrors.InvalidMemo.ToResult(context);
        }
        var payerId = principal.UserId();
        var target = await WalletTargetAsync(request.PayeePhone, payerId, services, context.RequestAborted);
        if (target is null)
        {
            return TransferErrors.PayeeNotFound.ToResult(context);
        }
        var order = new TransferOrder(Hosting.RequestIds.Of(context, request.RequestId)!, request.AmountFen.Value, arrival, request.Memo,
            request.PaymentPassword, request.VerificationCode, request.ConfirmationToken) { Origin = Risk.RiskOrigin.Of(context) };
        return Answer(await services.GetRequiredService<WalletTransfers>().SendAsync(payerId, order, target, context.RequestAborted),
            payerId, context);
    }

    private static async Task<IResult> SendToCardAsync(CardTransferRequest? request, ClaimsPrincipal principal, IServiceProvider services,
        HttpContext context)
    {
        if (request is null || request.CardToken is null || request.AmountFen is null || request.PaymentPassword is null)
        {
            return TransferErrors.InvalidRequest.ToResult(context);
        }
        if (Check(context, request.RequestId, request.AmountFen.Value, request.PaymentPassword, request.VerificationCode,
            request.ConfirmationToken) is { } bad)
        {
            return bad.ToResult(context);
        }
        var payerId = principal.UserId();
        var (target, refusal) = await services.GetRequiredService<TransferTargets>().OwnCardAsync(payerId, request.CardToken,
            context.RequestAborted);
        if (refusal is not null)
        {
            return refusal.ToResult(context);
        }
        var order = new TransferOrder(Hosting.RequestIds.Of(context, request.RequestId)!, request.AmountFen.Value, WalletTransfers.RealTime, null,
            request.PaymentPassword, request.VerificationCode, request.ConfirmationToken) { Origin = Risk.RiskOrigin.Of(context) };
        return Answer(await services.GetRequiredService<WalletTransfers>().SendAsync(payerId, order, target!, context.RequestAborted),
            payerId, context);
    }

    private static IResult Answer((Data.Entities.WalletTransferRow? Row, TransferProblem? Problem) outcome, Guid payerId,
        HttpContext context)
    {
        if (outcome.Problem is { } problem)
        {
            return problem.ToResult(context);
        }
        var dto = TransferDto.Of(outcome.Row!, payerId);
        var location = $"/api/wallet/me/transfers/{dto.Id}";
        return dto.Status == WalletTransfers.Succeeded ? Results.Created(location, dto) : Results.Accepted(location, dto);
    }

    private static WalletError? Check(HttpContext context, string? bodyRequestId, long amountFen, string password, string? code,
        string? token)
    {
        if (!Hosting.RequestIds.IsValid(context, bodyRequestId))
        {
            return TransferErrors.InvalidRequestId;
        }
        if (amountFen <= 0 || amountFen > 100_000_000_000)
        {
            return TransferErrors.InvalidAmount;
        }
        return password.Length > 32 || code is { Length: > 16 } || token is { Length: > 128 } ? TransferErrors.InvalidRequest : null;
    }

    private static HashSet<string> Arrivals(IServiceProvider services) => [.. services.GetRequiredService<TransferTargets>().Arrivals];

    private static Task<TransferTarget?> WalletTargetAsync(string phone, Guid payerId, IServiceProvider services, CancellationToken ct) =>
        services.GetRequiredService<TransferTargets>().WalletAsync(phone, payerId, ct);

    [GeneratedRegex("^1[3-9][0-9]{9}\\z")]
    private static partial Regex PhonePattern();
}
