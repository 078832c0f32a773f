using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.MerchantApi;

namespace Zhifu.Server.Payments;

/// <summary>
/// 订单 (PAY-1 … PAY-3, PAY-6): creates native, JSAPI, APP and H5 orders idempotently on (mchid, out_trade_no), finds them for queries and
/// closes unpaid ones. Expiry follows the protocol: past time_expire an order can no longer be paid, but it stays NOTPAY
/// until the merchant closes it (checked lazily against <see cref="IClock"/> when a wallet reads or pays it).
/// </summary>
public sealed class PaymentOrders(DatabaseOptions database, PaymentsOptions options, Codes.PaymentCodes codes, PaymentLedger money,
    RequestNonces nonces, IClock clock)
{
    public const string NotPay = "NOTPAY";
    /// <summary>Held by risk control (RISK-1): the payment's transfers are holds until a risk operator decides its case; the
    /// merchant sees it unpaid (a payment-code charge: USERPAYING).</summary>
    public const string Review = "REVIEW";
    public const string Paying = "PAYING";
    public const string Success = "SUCCESS";
    public const string Closed = "CLOSED";

    /// <param name="entrusted">委托代扣 (PWL-1): the payer and agreement a contract charge is made under — the order is the
    /// payer's to confirm in the wallet should the passwordless charge not go through.</param>
    public async Task<(PaymentOrderRow? Order, V3Error? Error)> CreateAsync(ApiMerchant merchant, OrderRequest request,
        CancellationToken ct, (Guid UserId, Guid AgreementId)? entrusted = null, PendingNonce? nonce = null)
    {
        if (request.MchId != merchant.Merchant.MchId)
        {
            return (null, V3Error.MchIdMismatch);
        }
        if (merchant.Merchant.Status != MerchantRow.Active)
        {
            // suspended: no new payment
            return await RepeatOrAsync(merchant, request,
                new V3Error(403, "NO_AUTH", "商户交易权限已暂停，请联系平台 (the merchant's trading is suspended)"), ct);
        }
        var now = clock.UtcNow;
        if (request.TimeExpire is { } expire && expire <= now)
        {
            // a retry of an order whose answer was lost may come after its own time_expire
            return await RepeatOrAsync(merchant, request, V3Error.ParamError("time_expire 须晚于当前时间", "time_expire must be in the future"), ct);
        }
        var limit = merchant.Merchant.SinglePaymentLimitFen is > 0 and var own
            ? Math.Min(own, options.OrderAmountMaxFen)
            : options.OrderAmountMaxFen;
        if (request.TotalFen > limit)
        {
            // …or after an operator lowered the limit: a payment-code charge already paid must not be asked of the payer again
            return await RepeatOrAsync(merchant, request,
                new V3Error(403, "RULE_LIMIT", $"订单金额超过单笔限额 {new Money(limit)} (amount above the single payment limit)"), ct);
        }
        var hash = request.Hash();
        // A repeat is found by the unique (mchid, out_trade_no) refusing the insert below — one statement for a new order —
        // except a payment-code charge, which must answer its repeat before consuming the (by then used) code again.
        if (request.AuthCode is not null && await FindAsync(merchant.Merchant.MchId, request.OutTradeNo, ct) is { } earlier)
        {
            return Repeat(earlier, hash);
        }
        Guid? codeUser = entrusted?.UserId;
        if (request.AuthCode is not null)
        {
            var (owner, usedBySame) = await codes.ConsumeAsync(request.AuthCode, $"{merchant.Merchant.MchId}/{request.OutTradeNo}", ct);
            if (owner is null)
            {
                // PAY-6: this very charge used the code a moment ago and its order is being written — answer it as a repeat
                // once it is there, never "code used", after which the merchant would ask the payer for a second payment
                return usedBySame ? await RepeatOfChargeUnderWayAsync(merchant.Merchant.MchId, request.OutTradeNo, hash, ct)
                    : (null, V3Error.InvalidRequest("付款码无效、已过期或已被使用，请用户刷新付款码后重试",
                        "the payment code is invalid, expired or already used; ask the payer to refresh it"));
            }
            codeUser = owner;
        }
        var row = new PaymentOrderRow
        {
            Id = Guid.CreateVersion7(), TransactionId = NewTransactionId(now), MerchantId = merchant.Merchant.Id, MchId = request.MchId,
            AppId = request.AppId, OutTradeNo = request.OutTradeNo, TradeType = request.TradeType, Description = request.Description,
            Attach = request.Attach, NotifyUrl = request.NotifyUrl ?? merchant.Credential.NotifyUrl ?? "", TotalFen = request.TotalFen,
            Currency = request.Currency,
            Code = NewCode(request.TradeType, now), CodeUserId = codeUser, RequestHash = hash, State = NotPay,
            PayerOpenId = codeUser is { } user ? money.OpenId(request.AppId, user) : request.PayerOpenId,
            ExpiresAt = request.AuthCode is not null ? now.AddSeconds(options.PaymentCodeConfirmSeconds)
                : request.TimeExpire?.ToUniversalTime() ?? now.AddMinutes(options.DefaultExpiryMinutes), CreatedAt = now,
            PasswordlessAgreementId = entrusted?.AgreementId,
        };
        await using var db = database.CreateContext();
        db.Add(row);
        nonce?.AddTo(db); // PAY-6: the request's nonce in the order's commit (V3Protocol.NonceInOrderCommit)
        try
        {
            // not cancelled once a payment code is consumed: a dropped request must not leave the code used with no order
            await db.SaveChangesAsync(request.AuthCode is null ? ct : CancellationToken.None);
            nonce?.MarkRecorded();
            return (row, null);
        }
        catch (DbUpdateException)
        {
            if (nonce is not null && await nonces.SeenAsync(nonce.MchId, nonce.Nonce))
            {
                nonce.MarkRecorded();
                return (null, V3Error.NonceUsed); // a replay (of this create, or of any request with its nonce): nothing written
            }
            // the out_trade_no is taken (asked again, or two creates raced): answered as a repeat of the first
            var raced = await FindAsync(row.MchId, row.OutTradeNo, ct);
            if (raced is null)
            {
                throw;
            }
            return Repeat(raced, hash);
        }
    }

    /// <summary>PAY-6: a check that refuses a new order does not refuse the repeat of one made before, which answers as it did
    /// (or OUT_TRADE_NO_USED for other content under its number); with no order made before, the refusal.</summary>
    public async Task<(PaymentOrderRow? Order, V3Error? Error)> RepeatOrAsync(ApiMerchant merchant, OrderRequest request, V3Error refusal,
        CancellationToken ct) =>
        await FindAsync(merchant.Merchant.MchId, request.OutTradeNo, ct) is { } made ? Repeat(made, request.Hash()) : (null, refusal);

    /// <summary>
    /// The order of a payment-code charge whose first request consumed the code and is still writing its order: waited for
    /// (at most 3 s), then answered as a repeat; still not there, a system error — the merchant queries, as the protocol asks.
    /// </summary>
    private async Task<(PaymentOrderRow?, V3Error?)> RepeatOfChargeUnderWayAsync(string mchId, string outTradeNo, string hash,
        CancellationToken ct)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(3))
        {
            if (await FindAsync(mchId, outTradeNo, ct) is { } first)
            {
                return Repeat(first, hash);
            }
            await Task.Delay(20, ct);
        }
        return (null, V3Error.SystemError);
    }

    /// <summary>The same content answers the first order; other content is refused; a finished order says so.</summary>
    private static (PaymentOrderRow?, V3Error?) Repeat(PaymentOrderRow earlier, string hash) =>
        earlier.RequestHash != hash ? (null, V3Error.OutTradeNoUsed)
        // a charge (by payment code or under a contract) asked again answers its state, paid or not
        : earlier.TradeType is OrderRequest.MicroPay or OrderRequest.EntrustedDebit ? (earlier, null)
        : earlier.State == Success ? (null, V3Error.OrderPaid)
        : earlier.State == Closed ? (null, V3Error.OrderClosed)
        : (earlier, null);

    public async Task<PaymentOrderRow?> FindAsync(string mchId, string outTradeNo, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.Set<PaymentOrderRow>().AsNoTracking().FirstOrDefaultAsync(o => o.MchId == mchId && o.OutTradeNo == outTradeNo, ct);
    }

    /// <summary>By transaction_id: the protocol knows an order by its transaction id only once it is paid.</summary>
    public async Task<PaymentOrderRow?> FindPaidAsync(string mchId, string transactionId, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.Set<PaymentOrderRow>().AsNoTracking()
            .FirstOrDefaultAsync(o => o.MchId == mchId && o.TransactionId == transactionId && o.State == Success, ct);
    }

    public async Task<PaymentOrderRow?> FindByCodeAsync(string code, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.Set<PaymentOrderRow>().AsNoTracking().FirstOrDefaultAsync(o => o.Code == code, ct);
    }

    /// <summary>关闭订单: an unpaid order closes (again: no-op); a paid or paying one cannot.</summary>
    public async Task<V3Error?> CloseAsync(string mchId, string outTradeNo, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var row = await db.Set<PaymentOrderRow>().FirstOrDefaultAsync(o => o.MchId == mchId && o.OutTradeNo == outTradeNo, ct);
        switch (row?.State)
        {
            case null:
                return V3Error.OrderNotExist;
            case Success:
                return V3Error.OrderPaid;
            case Paying or Review:
                return V3Error.InvalidRequest("订单支付中，请稍后查询", "the order is being paid; query it later");
            case Closed:
                return null;
        }
        row.State = Closed;
        row.ClosedAt = clock.UtcNow;
        row.Version++;
        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateConcurrencyException)
        {
            return V3Error.InvalidRequest("订单状态已变化，请查询后重试", "the order changed; query it and retry");
        }
    }

    /// <summary>
    /// What the wallet opens: a native order's code_url carries 24 random hex digits; the other kinds' prepay_id is the
    /// protocol's shape, "wx" + the China time to the second + 20 random hex digits.
    /// </summary>
    private static string NewCode(string tradeType, DateTimeOffset now) => tradeType == OrderRequest.Native
        ? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))
        : "wx" + ChinaTime.ToChina(now).ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture)
            + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10));

    /// <summary>A transaction id in the protocol's shape: 28 digits, with the China date in it.</summary>
    private static string NewTransactionId(DateTimeOffset now) => RandomDigits.Dated("42", now, 18);
}
