using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Zhifu.Server.MerchantApi;

namespace Zhifu.Server.Payments.Refunds;

/// <summary>
/// 退款申请's body: transaction_id or out_trade_no, out_refund_no, reason, notify_url, funds_account, amount{refund, total,
/// currency} (amount.from and goods_detail are accepted and not used: no coupons or goods-level refunds here), validated.
/// </summary>
public sealed record RefundRequest(string? TransactionId, string? OutTradeNo, string OutRefundNo, string? Reason, string? NotifyUrl,
    long RefundFen, long TotalFen)
{
    /// <summary>What the merchant asked for, so a repeated out_refund_no is told from a different refund (PAY-6).</summary>
    public string Hash() => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(
        new object?[] { TransactionId, OutTradeNo, OutRefundNo, Reason, NotifyUrl, RefundFen, TotalFen }))));

    public static (RefundRequest? Refund, V3Error? Error) Parse(byte[] body)
    {
        var (document, invalid) = V3Json.ParseObject(body);
        if (invalid is not null)
        {
            return (null, invalid);
        }
        using (document)
        {
            var root = document!.RootElement;
            var errors = new[]
            {
                V3Json.Text(root, "transaction_id", 32, false, out var transactionId),
                V3Json.Text(root, "out_trade_no", 32, false, out var outTradeNo),
                V3Json.Text(root, "out_refund_no", 64, true, out var outRefundNo), V3Json.Text(root, "reason", 80, false, out var reason),
                V3Json.Text(root, "notify_url", 256, false, out var notifyUrl),
                V3Json.Text(root, "funds_account", 32, false, out var funds),
            };
            if (errors.FirstOrDefault(e => e is not null) is { } error)
            {
                return (null, error);
            }
            if (string.IsNullOrEmpty(transactionId) && string.IsNullOrEmpty(outTradeNo))
            {
                return (null, V3Error.ParamError("transaction_id 与 out_trade_no 须至少填写一个", "transaction_id or out_trade_no is required"));
            }
            if (funds is not null and not "AVAILABLE" and not "UNSETTLED")
            {
                return (null, V3Error.ParamError("funds_account 仅支持 AVAILABLE 或 UNSETTLED",
                    "funds_account must be AVAILABLE or UNSETTLED"));
            }
            if ((V3Json.MerchantNumber("out_refund_no", outRefundNo!, 1, 64, "_-|*@") ?? V3Json.NotifyUrl(notifyUrl)) is { } badField)
            {
                return (null, badField);
            }
            if (!root.TryGetProperty("amount", out var amount) || amount.ValueKind != JsonValueKind.Object)
            {
                return (null, V3Error.ParamError("缺少 amount", "amount is required"));
            }
            var amountError = V3Json.Fen(amount, "amount", "refund", out var refund);
            long total = 0;
            amountError ??= V3Json.Fen(amount, "amount", "total", out total) ?? V3Json.Currency(amount, "amount", true);
            if (amountError is not null)
            {
                return (null, amountError);
            }
            if (refund > total)
            {
                return (null, V3Error.ParamError("amount.refund 不能大于 amount.total", "amount.refund cannot exceed amount.total"));
            }
            return (new RefundRequest(NullIfEmpty(transactionId), NullIfEmpty(outTradeNo), outRefundNo!, NullIfEmpty(reason),
                NullIfEmpty(notifyUrl), refund, total), null);
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
