using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;
using Zhifu.Server.MerchantApi;
using Zhifu.Server.Payments;

namespace Zhifu.Server.Face;

/// <summary>What a terminal sends to find the payer: the sealed probe, the certified liveness result, the phone's last four
/// digits when asked.</summary>
public sealed record IdentifyRequest(FaceEnvelope? Probe, bool? LivenessPassed, string? PhoneLast4);

/// <summary>What a terminal sends to pay: the face token, the passcode the user typed, and the order.</summary>
public sealed record FacePayRequest(string? FaceToken, string? Passcode, string? AppId, string? OutTradeNo, string? Description, long AmountFen);

/// <summary>
/// 刷脸支付 at a terminal (FACE-4): the face routes — a sealed probe with a passed liveness check is searched 1:N against the
/// threshold and, when the runner-up is too close, the phone's last four digits decide — and yields only a short-lived,
/// single-use face token bound to the terminal (the merchant never learns who it is; <see cref="FaceTokens"/>); the passcode
/// the user types then authorizes the payment, which takes the normal path (order, risk decision, ledger, TRANSACTION.SUCCESS
/// callback).
/// </summary>
public sealed class FacePayments(DatabaseOptions database, FaceIndex index, FaceKeys keys, FaceOptions options, FaceTokens tokens,
    WalletAccounts accounts, WalletCredentials credentials, PaymentOrders orders, WalletPayments payments, MerchantCredentials merchants,
    PaymentLedger money, IClock clock)
{
    private static readonly (string Code, int Status, string Zh, string En) NotFound =
        ("FACE_NOT_FOUND", 404, "未找到匹配的刷脸用户，请使用其他方式付款", "No enrolled face matches; pay another way");

    /// <summary>A face token, or the refusal (code, status, Chinese, English).</summary>
    public async Task<(string? Token, (string Code, int Status, string Zh, string En)? Refusal)> IdentifyAsync(FaceTerminalRow terminal,
        IdentifyRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(terminal);
        ArgumentNullException.ThrowIfNull(request);
        if (request.LivenessPassed != true)
        {
            return (null, ("FACE_LIVENESS_REQUIRED", 400, "活体检测未通过，请重新刷脸", "The liveness check did not pass; try again"));
        }
        if (request.Probe?.Open(keys) is not { } probe)
        {
            return (null, ("FACE_TEMPLATE_INVALID", 400, "人脸特征数据无效，请重新采集", "The face template could not be read"));
        }
        var match = index.Search(probe);
        if (match.Id is null || match.Similarity < options.MatchThreshold)
        {
            return (null, NotFound);
        }
        var candidates = new List<Guid> { match.Id.Value };
        DateTimeOffset? countedAt = null;
        if (match.Margin < options.MarginMin && match.SecondId is { } second && match.SecondSimilarity >= options.MatchThreshold)
        {
            if (request.PhoneLast4 is not { Length: 4 } digits || !digits.All(char.IsAsciiDigit))
            {
                return (null, ("FACE_PHONE_DIGITS_REQUIRED", 409, "请输入手机号后四位", "Enter the last four digits of your phone number"));
            }
            if ((countedAt = await tokens.TryDigitAttemptAsync(terminal.TerminalId, ct)) is null) // counted before it is checked
            {
                return (null, ("FACE_TOO_MANY_ATTEMPTS", 429, "手机号后四位错误次数过多，请稍后再试或使用其他方式付款",
                    "Too many wrong phone digits; try later or pay another way"));
            }
            candidates.Add(second);
        }
        await using var db = database.CreateContext();
        var users = await db.Set<FaceEnrolmentRow>().AsNoTracking()
            .Where(e => candidates.Contains(e.FaceId) && e.State == FaceEnrolmentRow.Enrolled).Select(e => new { e.FaceId, e.UserId })
            .ToListAsync(ct);
        Guid? payer = null;
        foreach (var faceId in candidates)
        {
            var user = users.FirstOrDefault(u => u.FaceId == faceId);
            if (user is null)
            {
                continue;
            }
            if (candidates.Count == 1)
            {
                payer = user.UserId;
                break;
            }
            var row = await accounts.FindAsync(user.UserId, ct);
            if (row is not null && credentials.PhoneOf(row).EndsWith(request.PhoneLast4!, StringComparison.Ordinal))
            {
                payer = payer is null ? user.UserId : null; // both end so: not told apart, refused below
            }
        }
        if (payer is null)
        {
            return (null, NotFound); // a wrong set of digits keeps its count: guessing a lookalike pair's is bounded per terminal
        }
        if (countedAt is { } counted)
        {
            await tokens.RightDigitsAsync(terminal.TerminalId, counted);
        }
        return (await tokens.IssueAsync(terminal.TerminalId, payer.Value, ct), null);
    }

    /// <summary>The passcode, then the payment (PAY-6: idempotent on out_trade_no). The transaction as the protocol shows it,
    /// or the refusal.</summary>
    public async Task<(System.Text.Json.Nodes.JsonObject? Transaction, (string Code, int Status, string Zh, string En)? Refusal)> PayAsync(
        FaceTerminalRow terminal, FacePayRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(terminal);
        ArgumentNullException.ThrowIfNull(request);
        if (await merchants.FindAsync(terminal.MchId, ct) is not { Merchant.Status: Data.Entities.MerchantRow.Active } merchant)
        {
            return (null, ("MERCHANT_NOT_FACE_PAY_ELIGIBLE", 403, "商户暂停收款", "The merchant cannot take payments"));
        }
        if (request.AppId is not { Length: > 0 and <= 32 } || request.OutTradeNo is not { Length: >= 6 and <= 32 }
            || request.Description is not { Length: > 0 and <= 127 } || request.AmountFen is <= 0 or > int.MaxValue)
        {
            return (null, ("FACE_ORDER_INVALID", 400, "订单信息不完整或金额不正确", "The order is incomplete or its amount is wrong"));
        }
        if (request.FaceToken is { Length: > 0 and <= 64 } retried && await RepeatAsync(terminal, request, retried, ct) is { } repeat)
        {
            return repeat;
        }
        // Single use: the token is claimed before anything else, so of two payments racing with it one goes on; a refusal
        // before the charge is tried hands it back, anything after keeps it used (the user scans again).
        if (request.FaceToken is not { Length: > 0 and <= 64 } faceToken
            || await tokens.ClaimAsync(faceToken, terminal.TerminalId, UsedFor(terminal, request), ct) is not { } payer)
        {
            return (null, ("FACE_TOKEN_INVALID", 401, "刷脸已过期，请重新刷脸", "The face token expired; scan the face again"));
        }
        await using (var db = database.CreateContext())
        {
            if (!await db.Set<FaceEnrolmentRow>().AnyAsync(e => e.UserId == payer && e.State == FaceEnrolmentRow.Enrolled, ct))
            {
                // FACE-1: consent withdrawn between the scan and the payment is withdrawn at once; the token stays used
                return (null, NotFound);
            }
        }
        if (await credentials.VerifyFacePasscodeAsync(payer, request.Passcode, ct) is { } wrong)
        {
            await tokens.ReleaseAsync(faceToken);
            return (null, Refusal(wrong));
        }
        var (order, refused) = await orders.CreateAsync(merchant, new OrderRequest(OrderRequest.FacePay, request.AppId, merchant.Merchant.MchId,
            request.Description, request.OutTradeNo, null, null, null, request.AmountFen, "CNY"), ct);
        if (refused is not null)
        {
            await tokens.ReleaseAsync(faceToken);
            return (null, (refused.Code, refused.Status, refused.Message, refused.Message));
        }
        var (paid, error) = await payments.PayByFaceAsync(payer, order!, terminal.TerminalId, ct); // FACE-6: names the terminal
        if (error is not null)
        {
            return (null, Refusal(error));
        }
        return (TransactionView.Of(paid!, money.OpenId(paid!.AppId, payer), clock.UtcNow), null);
    }

    /// <summary>
    /// PAY-6: the terminal sends a payment again — its answer was lost — with the token it used: the order this terminal pays
    /// with that out_trade_no for the token's payer answers as the first request did (waited for up to 3 s while the first is
    /// still on its way to PAYING) instead of "scan again", after which a terminal starting a new out_trade_no would charge the
    /// user twice. Null when it is no such repeat, or the first attempt was refused (nothing is being paid).
    /// </summary>
    private async Task<(System.Text.Json.Nodes.JsonObject?, (string Code, int Status, string Zh, string En)?)?> RepeatAsync(
        FaceTerminalRow terminal, FacePayRequest request, string faceToken, CancellationToken ct)
    {
        if (await tokens.UsedByAsync(faceToken, terminal.TerminalId, UsedFor(terminal, request), ct) is not { } payer)
        {
            return null;
        }
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            await using (var db = database.CreateContext())
            {
                var order = await db.Set<PaymentOrderRow>().AsNoTracking().FirstOrDefaultAsync(o => o.MchId == terminal.MchId
                    && o.OutTradeNo == request.OutTradeNo && o.TradeType == OrderRequest.FacePay && o.FaceTerminalId == terminal.TerminalId
                    && o.PayerUserId == payer, ct);
                if (order is not null && (order.TotalFen != request.AmountFen || order.AppId != request.AppId
                    || order.Description != request.Description))
                {
                    return null;
                }
                switch (order?.State)
                {
                    case PaymentOrders.Success or PaymentOrders.Review:
                        return (TransactionView.Of(order, money.OpenId(order.AppId, payer), clock.UtcNow), null);
                    case PaymentOrders.Paying:
                        return (null, Refusal(PaymentErrors.InProgress));
                }
            }
            if (waited.Elapsed >= TimeSpan.FromSeconds(3))
            {
                return null;
            }
            await Task.Delay(20, ct);
        }
    }

    private static (string Code, int Status, string Zh, string En) Refusal(WalletError error) => (error.Code, error.Status, error.Zh, error.En);

    /// <summary>What a face token is claimed for: this merchant's out_trade_no.</summary>
    private static string UsedFor(FaceTerminalRow terminal, FacePayRequest request) => $"{terminal.MchId}/{request.OutTradeNo}";
}
