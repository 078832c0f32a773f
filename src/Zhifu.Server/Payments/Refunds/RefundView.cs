using System.Text.Json.Nodes;
using Zhifu.Data.Entities;

namespace Zhifu.Server.Payments.Refunds;

/// <summary>
/// The protocol's refund object (退款申请 / 查询单笔退款 answers) and the REFUND.* callback's plaintext: refund_id,
/// out_refund_no, transaction_id, out_trade_no, channel, user_received_account, success_time, create_time, status,
/// funds_account, amount{total, refund, from, payer_total, payer_refund, settlement_refund, settlement_total, discount_refund,
/// currency, refund_fee}.
/// </summary>
public static class RefundView
{
    /// <summary>Where the money went back to (the protocol's user_received_account text).</summary>
    public const string ReceivedAccount = "支付用户零钱";

    public static JsonObject Of(PaymentRefundRow refund, PaymentOrderRow order)
    {
        var json = new JsonObject
        {
            ["refund_id"] = refund.RefundId,
            ["out_refund_no"] = refund.OutRefundNo,
            ["transaction_id"] = refund.TransactionId,
            ["out_trade_no"] = refund.OutTradeNo,
            ["channel"] = "ORIGINAL",
            ["user_received_account"] = ReceivedAccount,
        };
        if (refund.SuccessTime is { } success)
        {
            json["success_time"] = TransactionView.Rfc3339(success);
        }
        json["create_time"] = TransactionView.Rfc3339(refund.CreatedAt);
        json["status"] = refund.Status;
        json["funds_account"] = "UNSETTLED";
        json["amount"] = new JsonObject
        {
            ["total"] = order.TotalFen,
            ["refund"] = refund.RefundFen,
            ["from"] = new JsonArray(),
            ["payer_total"] = order.TotalFen,
            ["payer_refund"] = refund.RefundFen,
            ["settlement_refund"] = refund.RefundFen,
            ["settlement_total"] = order.TotalFen,
            ["discount_refund"] = 0,
            ["currency"] = order.Currency,
            ["refund_fee"] = refund.FeeRefundFen,
        };
        json["promotion_detail"] = new JsonArray();
        return json;
    }

    /// <summary>The REFUND.SUCCESS / REFUND.CLOSED callback's resource: mchid, numbers, refund_status, amounts.</summary>
    public static JsonObject Notice(PaymentRefundRow refund, PaymentOrderRow order)
    {
        var json = new JsonObject
        {
            ["mchid"] = refund.MchId,
            ["out_trade_no"] = refund.OutTradeNo,
            ["transaction_id"] = refund.TransactionId,
            ["out_refund_no"] = refund.OutRefundNo,
            ["refund_id"] = refund.RefundId,
            ["refund_status"] = refund.Status,
        };
        if (refund.SuccessTime is { } success)
        {
            json["success_time"] = TransactionView.Rfc3339(success);
        }
        json["user_received_account"] = ReceivedAccount;
        json["amount"] = new JsonObject
        {
            ["total"] = order.TotalFen, ["refund"] = refund.RefundFen, ["payer_total"] = order.TotalFen,
            ["payer_refund"] = refund.RefundFen,
        };
        return json;
    }
}
