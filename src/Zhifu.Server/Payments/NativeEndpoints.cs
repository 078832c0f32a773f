using Zhifu.Server.MerchantApi;

namespace Zhifu.Server.Payments;

/// <summary>
/// Native支付 over the merchant API: Native下单, 微信支付订单号查询订单, 商户订单号查询订单, 关闭订单 — paths and JSON
/// as WeChat Pay API v3 (直连商户). Signature, replay and response signing are <see cref="V3Protocol"/>'s.
/// </summary>
public static class NativeEndpoints
{
    public static void Map(IEndpointRouteBuilder v3)
    {
        var transactions = v3.MapGroup("/pay/transactions");
        transactions.MapPost("/native", CreateAsync);
        transactions.MapGet("/id/{transaction_id}", (string transaction_id, HttpContext h, PaymentOrders orders, PaymentLedger money) =>
            QueryAsync(h, orders, money, mchid => orders.FindPaidAsync(mchid, transaction_id, h.RequestAborted)));
        transactions.MapGet("/out-trade-no/{out_trade_no}", (string out_trade_no, HttpContext h, PaymentOrders orders, PaymentLedger money) =>
            QueryAsync(h, orders, money, mchid => orders.FindAsync(mchid, out_trade_no, h.RequestAborted)));
        transactions.MapPost("/out-trade-no/{out_trade_no}/close", CloseAsync);
    }

    private static async Task<IResult> CreateAsync(HttpContext context, PaymentOrders orders)
    {
        var (request, error) = NativeOrderRequest.Parse(V3Protocol.Body(context));
        if (error is not null)
        {
            return error.ToResult();
        }
        var (order, refusal) = await orders.CreateNativeAsync(V3Protocol.Merchant(context), request!, context.RequestAborted);
        return refusal?.ToResult() ?? V3Protocol.Json(new System.Text.Json.Nodes.JsonObject { ["code_url"] = CodeUrl(order!.Code) });
    }

    /// <summary>What the merchant renders as a QR code; the wallet scans it and pays <c>/api/wallet/payments/{code}</c>.</summary>
    public static string CodeUrl(string code) => "zhifu://wxpay/bizpayurl?pr=" + code;

    private static async Task<IResult> QueryAsync(HttpContext context, PaymentOrders orders, PaymentLedger money,
        Func<string, Task<Zhifu.Data.Entities.PaymentOrderRow?>> find)
    {
        var mchid = context.Request.Query["mchid"].ToString();
        if (mchid.Length == 0)
        {
            return V3Error.ParamError("缺少参数 mchid", "mchid is required").ToResult();
        }
        if (mchid != V3Protocol.Merchant(context).Merchant.MchId)
        {
            return V3Error.ParamError("mchid 与请求签名中的商户号不一致", "mchid differs from the signing merchant").ToResult();
        }
        var order = await find(mchid);
        if (order is null)
        {
            return V3Error.OrderNotExist.ToResult();
        }
        var openId = order.PayerUserId is { } payer ? money.OpenId(order.AppId, payer) : null;
        return V3Protocol.Json(TransactionView.Of(order, openId));
    }

    private static async Task<IResult> CloseAsync(string out_trade_no, HttpContext context, PaymentOrders orders)
    {
        System.Text.Json.JsonDocument document;
        try
        {
            document = System.Text.Json.JsonDocument.Parse(V3Protocol.Body(context));
        }
        catch (System.Text.Json.JsonException)
        {
            return V3Error.ParamError("请求体不是合法的 JSON", "the body is not valid JSON").ToResult();
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != System.Text.Json.JsonValueKind.Object || !root.TryGetProperty("mchid", out var mchid)
                || mchid.ValueKind != System.Text.Json.JsonValueKind.String)
            {
                return V3Error.ParamError("缺少参数 mchid", "mchid is required").ToResult();
            }
            var merchant = V3Protocol.Merchant(context).Merchant.MchId;
            if (mchid.GetString() != merchant)
            {
                return V3Error.ParamError("mchid 与请求签名中的商户号不一致", "mchid differs from the signing merchant").ToResult();
            }
            var error = await orders.CloseAsync(merchant, out_trade_no, context.RequestAborted);
            return error?.ToResult() ?? Results.NoContent();
        }
    }

}
