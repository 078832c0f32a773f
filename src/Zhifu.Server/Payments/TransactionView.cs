using System.Text.Json.Nodes;
using Zhifu.Core;
using Zhifu.Data.Entities;

namespace Zhifu.Server.Payments;

/// <summary>
/// The protocol's transaction object, as the query APIs answer and the TRANSACTION.SUCCESS callback carries (encrypted):
/// appid, mchid, out_trade_no, transaction_id, trade_type, trade_state, trade_state_desc, bank_type, attach, success_time,
/// payer.openid, amount{total, payer_total, currency, payer_currency}.
/// </summary>
public static class TransactionView
{
    public static JsonObject Of(PaymentOrderRow order, string? openId, DateTimeOffset? now = null)
    {
        var paid = order.State == PaymentOrders.Success;
        var json = new JsonObject
        {
            ["appid"] = order.AppId,
            ["mchid"] = order.MchId,
            ["out_trade_no"] = order.OutTradeNo,
        };
        if (paid)
        {
            json["transaction_id"] = order.TransactionId;
            json["trade_type"] = order.TradeType;
        }
        var state = State(order, now);
        json["trade_state"] = state;
        json["trade_state_desc"] = state switch
        {
            PaymentOrders.Success => "支付成功",
            "REFUND" => "转入退款",
            "USERPAYING" => "用户支付中（需在钱包中输入支付密码）",
            "PAYERROR" => "支付失败（扣款未成功或用户未在时限内确认）",
            "REVOKED" => "已撤销",
            PaymentOrders.Closed => "订单已关闭",
            _ => "订单未支付",
        };
        if (paid)
        {
            json["bank_type"] = "OTHERS";
            json["success_time"] = Rfc3339(order.SuccessTime!.Value);
            json["payer"] = new JsonObject { ["openid"] = openId };
        }
        json["attach"] = order.Attach ?? "";
        json["amount"] = paid
            ? new JsonObject { ["total"] = order.TotalFen, ["payer_total"] = order.TotalFen, ["currency"] = order.Currency,
                ["payer_currency"] = order.Currency }
            : new JsonObject { ["payer_currency"] = order.Currency };
        return json;
    }

    /// <summary>
    /// The protocol's trade_state: an order being committed is still unpaid to the merchant (it becomes SUCCESS the moment
    /// the ledger commits); a refunded one reads REFUND; a payment-code charge waiting for the payer reads USERPAYING, then
    /// PAYERROR when its confirmation window passed, and REVOKED once reversed — unpaid (closed) or paid (refunded in full).
    /// </summary>
    public static string State(PaymentOrderRow order, DateTimeOffset? now)
    {
        var micro = order.TradeType == OrderRequest.MicroPay;
        var entrusted = order.TradeType == OrderRequest.EntrustedDebit;
        return order.State switch
        {
            // reversed: REVOKED while its full refund stands (a reversal refund the ledger refused in the end closes, gives the
            // amount back to RefundedFen, and the charge reads paid again)
            PaymentOrders.Success when order.RefundedFen > 0 => order.Reversed ? "REVOKED" : "REFUND",
            PaymentOrders.Success => PaymentOrders.Success,
            PaymentOrders.Closed => micro ? "REVOKED" : entrusted ? "PAYERROR" : PaymentOrders.Closed,
            // 委托代扣 (PWL-3, PWL-4): a charge over a limit or stepped up waits for the payer's confirmation in the wallet
            _ when micro || entrusted => now > order.ExpiresAt && order.State == PaymentOrders.NotPay ? "PAYERROR" : "USERPAYING",
            // Held for risk review: not paid yet; only payment-code charges may say USERPAYING in the protocol.
            _ => PaymentOrders.NotPay,
        };
    }

    /// <summary>rfc3339 in China time, as the protocol writes times: 2018-06-08T10:34:56+08:00.</summary>
    public static string Rfc3339(DateTimeOffset instant) =>
        ChinaTime.ToChina(instant).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);
}
