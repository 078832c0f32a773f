using Zhifu.Server.MerchantApi;

namespace Zhifu.Server.Payments.Refunds;

/// <summary>退款申请 and 查询单笔退款 over the merchant API (PAY-3, PAY-6), paths and JSON as WeChat Pay API v3 (直连商户).</summary>
public static class RefundEndpoints
{
    public static void Map(IEndpointRouteBuilder v3)
    {
        var refunds = v3.MapGroup("/refund/domestic/refunds");
        refunds.MapPost("", async (HttpContext context, PaymentRefunds service) =>
        {
            var (request, error) = RefundRequest.Parse(V3Protocol.Body(context));
            if (error is not null)
            {
                return error.ToResult();
            }
            var (refund, order, refusal) = await service.ApplyAsync(V3Protocol.Merchant(context), request!, context.RequestAborted);
            return refusal?.ToResult() ?? V3Protocol.Json(RefundView.Of(refund!, order!));
        });
        refunds.MapGet("/{out_refund_no}", async (string out_refund_no, HttpContext context, PaymentRefunds service) =>
        {
            var found = await service.FindAsync(V3Protocol.Merchant(context).Merchant.MchId, out_refund_no, context.RequestAborted);
            return found is { } f ? V3Protocol.Json(RefundView.Of(f.Item1, f.Item2))
                : (V3Error.NotFound with { Message = "退款单不存在 (no such refund)" }).ToResult();
        });
    }
}
