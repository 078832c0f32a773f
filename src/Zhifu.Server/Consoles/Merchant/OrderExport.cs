using Zhifu.Core;
using Zhifu.Data.Entities;
using Zhifu.Server.Payments;

namespace Zhifu.Server.Consoles.Merchant;

/// <summary>
/// The orders list's export (MER-3): the current filter's rows, at most <c>MerchantConsole:ExportRowsMax</c>, as CSV or Excel
/// (<see cref="SheetExport"/>). Amounts are yuan numbers and times China time.
/// </summary>
public static class OrderExport
{
    private static readonly string[] HeadZh = ["下单时间", "商户订单号", "支付订单号", "交易类型", "交易状态", "订单金额(元)", "已退款(元)", "手续费(元)", "支付时间", "商品描述"];
    private static readonly string[] HeadEn = ["Created", "out_trade_no", "transaction_id", "Trade type", "State", "Amount (CNY)", "Refunded (CNY)", "Fee (CNY)", "Paid at", "Description"];

    /// <summary>Sends the orders as <paramref name="format"/> (<see cref="SheetExport.Csv"/> or <see cref="SheetExport.Xlsx"/>).</summary>
    public static Task SendAsync(HttpResponse response, string format, string fileStem, IAsyncEnumerable<PaymentOrderRow> rows,
        DateTimeOffset now, bool english, CancellationToken ct) =>
        SheetExport.SendAsync(response, format, fileStem, english ? "Orders" : "交易订单", english ? HeadEn : HeadZh,
            rows.Select(o => Cells(o, now, english)), ct);

    private static object[] Cells(PaymentOrderRow o, DateTimeOffset now, bool english) =>
    [
        ChinaTime.Format(o.CreatedAt), o.OutTradeNo, o.TransactionId, OrderSearch.TypeText(o.TradeType, english),
        OrderSearch.StateText(TransactionView.State(o, now), english), o.TotalFen / 100m, o.RefundedFen / 100m, o.FeeFen / 100m,
        o.SuccessTime is { } paid ? ChinaTime.Format(paid) : "", o.Description,
    ];
}
