using Zhifu.Server.MerchantApi;

namespace Zhifu.Server.Payments;

/// <summary>
/// Orders over the merchant API (PAY-2, PAY-3): Native / JSAPI / APP / H5下单, 微信支付订单号查询订单, 商户订单号查询订单,
/// 关闭订单 — paths and JSON as WeChat Pay API v3 (直连商户). Signature, replay and response signing are <see cref="V3Protocol"/>'s.
/// </summary>
public static class TransactionEndpoints
{
    public static void Map(IEndpointRouteBuilder v3)
    {
        var transactions = v3.MapGroup("/pay/transactions");
        transactions.MapPost("/native", (HttpContext h, PaymentOrders o) => CreateAsync(h, o, OrderRequest.Native))
            .WithMetadata(V3Protocol.NonceInOrderCommit.Instance);
        transactions.MapPost("/jsapi", (HttpContext h, PaymentOrders o) => CreateAsync(h, o, OrderRequest.Jsapi))
            .WithMetadata(V3Protocol.NonceInOrderCommit.Instance);
        transactions.MapPost("/app", (HttpContext h, PaymentOrders o) => CreateAsync(h, o, OrderRequest.App))
            .WithMetadata(V3Protocol.NonceInOrderCommit.Instance);
        transactions.MapPost("/h5", (HttpContext h, PaymentOrders o) => CreateAsync(h, o, OrderRequest.H5))
            .WithMetadata(V3Protocol.NonceInOrderCommit.Instance);
        transactions.MapPost("/codepay", CodepayAsync);
        transactions.MapPost("/out-trade-no/{out_trade_no}/reverse", ReverseAsync);
        transactions.MapGet("/id/{transaction_id}", (string transaction_id, HttpContext h, PaymentOrders orders, PaymentLedger money,
            Zhifu.Core.IClock clock) =>
            QueryAsync(h, orders, money, clock, mchid => orders.FindPaidAsync(mchid, transaction_id, h.RequestAborted)));
        transactions.MapGet("/out-trade-no/{out_trade_no}", (string out_trade_no, HttpContext h, PaymentOrders orders, PaymentLedger money,
            Zhifu.Core.IClock clock) =>
            QueryAsync(h, orders, money, clock, mchid => orders.FindAsync(mchid, out_trade_no, h.RequestAborted)));
        transactions.MapPost("/out-trade-no/{out_trade_no}/close", CloseAsync);
    }

    private static async Task<IResult> CreateAsync(HttpContext context, PaymentOrders orders, string tradeType)
    {
        var (request, error) = OrderRequest.Parse(tradeType, V3Protocol.Body(context));
        if (error is not null)
        {
            return error.ToResult();
        }
        var (order, refusal) = await orders.CreateAsync(V3Protocol.Merchant(context), request!, context.RequestAborted,
            nonce: V3Protocol.Nonce(context));
        if (refusal is not null)
        {
            return refusal.ToResult();
        }
        return V3Protocol.Json(tradeType switch
        {
            OrderRequest.Native => new System.Text.Json.Nodes.JsonObject { ["code_url"] = CodeUrl(order!.Code) },
            OrderRequest.H5 => new System.Text.Json.Nodes.JsonObject { ["h5_url"] = H5Url(context.Request, order!.Code) },
            _ => new System.Text.Json.Nodes.JsonObject { ["prepay_id"] = order!.Code },
        });
    }

    /// <summary>
    /// 付款码支付: the merchant charges the payment code it scanned. The code is consumed at once; the charge then waits in
    /// the payer's wallet for the payment password (USERPAYING) until paid or its window passes — the merchant queries, and
    /// reverses what it no longer wants. A payer with a signed small-amount agreement (付款码小额免密, PWL-1) at an eligible
    /// merchant is charged at once within its limits.
    /// </summary>
    private static async Task<IResult> CodepayAsync(HttpContext context, PaymentOrders orders, Passwordless.PasswordlessCharges passwordless,
        Zhifu.Core.IClock clock)
    {
        var (request, error) = OrderRequest.Parse(OrderRequest.MicroPay, V3Protocol.Body(context));
        if (error is not null)
        {
            return error.ToResult();
        }
        var merchant = V3Protocol.Merchant(context);
        var (order, refusal) = await orders.CreateAsync(merchant, request!, context.RequestAborted);
        if (refusal is not null)
        {
            return refusal.ToResult();
        }
        if (await passwordless.ChargeByCodeAsync(order!, merchant.Merchant, context.RequestAborted) is not null)
        {
            order = await orders.FindAsync(order!.MchId, order.OutTradeNo, context.RequestAborted);
        }
        return V3Protocol.Json(TransactionView.Of(order!, order!.PayerOpenId, clock.UtcNow));
    }

    /// <summary>
    /// 撤销订单 (付款码): an unpaid charge is revoked (closed); a paid one is refunded in full to the payer and reads REVOKED.
    /// </summary>
    private static async Task<IResult> ReverseAsync(string out_trade_no, HttpContext context, PaymentOrders orders,
        Refunds.PaymentRefunds refunds)
    {
        var (document, invalid) = V3Json.ParseObject(V3Protocol.Body(context));
        if (invalid is not null)
        {
            return invalid.ToResult();
        }
        using (document)
        {
            var merchant = V3Protocol.Merchant(context);
            var mchId = merchant.Merchant.MchId;
            if ((V3Json.Text(document!.RootElement, "appid", 32, true, out var appId) ?? SigningMerchant(context, document.RootElement))
                is { } bad)
            {
                return bad.ToResult();
            }
            var order = await orders.FindAsync(mchId, out_trade_no, context.RequestAborted);
            if (order is null || order.AppId != appId)
            {
                return V3Error.OrderNotExist.ToResult();
            }
            if (order.TradeType != OrderRequest.MicroPay)
            {
                // 撤销 is the payment-code charge's; other orders are closed (close) or refunded, never through this path
                return V3Error.InvalidRequest("仅付款码支付订单可以撤销", "only payment-code charges can be reversed").ToResult();
            }
            var refusal = order.State == PaymentOrders.Success
                ? (await refunds.ReverseAsync(merchant, order, context.RequestAborted))
                : await orders.CloseAsync(mchId, out_trade_no, context.RequestAborted);
            if (refusal == V3Error.OrderPaid && await orders.FindAsync(mchId, out_trade_no, context.RequestAborted) is { } paid)
            {
                refusal = await refunds.ReverseAsync(merchant, paid, context.RequestAborted); // paid between the look and the close
            }
            return refusal?.ToResult() ?? V3Protocol.Json(new System.Text.Json.Nodes.JsonObject
            {
                ["appid"] = order.AppId, ["mchid"] = order.MchId, ["out_trade_no"] = order.OutTradeNo,
            });
        }
    }

    /// <summary>What the merchant renders as a QR code; the wallet scans it and pays <c>/api/wallet/payments/{code}</c>.</summary>
    public static string CodeUrl(string code) => "zhifu://wxpay/bizpayurl?pr=" + code;

    /// <summary>
    /// Where the merchant's H5 page sends the payer's mobile browser: the wallet's H5 cashier for this prepay_id, on the host
    /// the merchant called (it pays through <c>/api/wallet/payments/{prepay_id}</c>).
    /// </summary>
    public static string H5Url(HttpRequest request, string prepayId) =>
        $"{request.Scheme}://{request.Host}/wallet/h5pay?prepay_id={Uri.EscapeDataString(prepayId)}";

    private static async Task<IResult> QueryAsync(HttpContext context, PaymentOrders orders, PaymentLedger money, Zhifu.Core.IClock clock,
        Func<string, Task<Zhifu.Data.Entities.PaymentOrderRow?>> find)
    {
        var mchid = context.Request.Query["mchid"].ToString();
        if (mchid.Length == 0)
        {
            return V3Error.ParamError("缺少参数 mchid", "mchid is required").ToResult();
        }
        if (mchid != V3Protocol.Merchant(context).Merchant.MchId)
        {
            return V3Error.MchIdMismatch.ToResult();
        }
        var order = await find(mchid);
        if (order is null)
        {
            return V3Error.OrderNotExist.ToResult();
        }
        var openId = order.PayerUserId is { } payer ? money.OpenId(order.AppId, payer) : null;
        return V3Protocol.Json(TransactionView.Of(order, openId, clock.UtcNow));
    }

    private static async Task<IResult> CloseAsync(string out_trade_no, HttpContext context, PaymentOrders orders)
    {
        var (document, invalid) = V3Json.ParseObject(V3Protocol.Body(context));
        if (invalid is not null)
        {
            return invalid.ToResult();
        }
        using (document)
        {
            if (SigningMerchant(context, document!.RootElement) is { } bad)
            {
                return bad.ToResult();
            }
            var error = await orders.CloseAsync(V3Protocol.Merchant(context).Merchant.MchId, out_trade_no, context.RequestAborted);
            return error?.ToResult() ?? Results.NoContent();
        }
    }

    /// <summary>The body's required mchid must be the merchant that signed the request.</summary>
    private static V3Error? SigningMerchant(HttpContext context, System.Text.Json.JsonElement body) =>
        V3Json.Text(body, "mchid", 32, true, out var mchId)
        ?? (mchId == V3Protocol.Merchant(context).Merchant.MchId ? null : V3Error.MchIdMismatch);
}
