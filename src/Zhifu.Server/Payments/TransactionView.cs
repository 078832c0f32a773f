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
    public static JsonObject Of(PaymentOrderRow order, string? openId)
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
        // An order being committed is still unpaid to the merchant: it becomes SUCCESS the moment the ledger commits.
        var state = order.State == PaymentOrders.Paying ? PaymentOrders.NotPay : order.State;
        json["trade_state"] = state;
        json["trade_state_desc"] = state switch
        {
            PaymentOrders.Success => "支付成功",
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
            ? new JsonObject { ["total"] = order.TotalFen, ["payer_total"] = order.TotalFen, ["currency"] = order.Currency, ["payer_currency"] = order.Currency }
            : new JsonObject { ["payer_currency"] = order.Currency };
        return json;
    }

    /// <summary>rfc3339 in China time, as the protocol writes times: 2018-06-08T10:34:56+08:00.</summary>
    public static string Rfc3339(DateTimeOffset instant) =>
        ChinaTime.ToChina(instant).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);
}
