using Zhifu.Core;
using Zhifu.Data.Entities;
using Zhifu.Server.Hosting;
using Zhifu.Server.Payments;

namespace Zhifu.Server.Consoles.Merchant;

/// <summary>
/// The orders list's export (MER-3): the current filter's rows, at most <c>MerchantConsole:ExportRowsMax</c>, as CSV (UTF-8
/// with a BOM, so Excel reads the Chinese) or as an Excel workbook (.xlsx, written row by row with the Open XML SDK).
/// Amounts are yuan numbers and times China time; the files are written by the shared <see cref="TableExport"/>.
/// </summary>
public static class OrderExport
{
    private static readonly string[] HeadZh = ["下单时间", "商户订单号", "支付订单号", "交易类型", "交易状态", "订单金额(元)", "已退款(元)", "手续费(元)", "支付时间", "商品描述"];
    private static readonly string[] HeadEn = ["Created", "out_trade_no", "transaction_id", "Trade type", "State", "Amount (CNY)", "Refunded (CNY)", "Fee (CNY)", "Paid at", "Description"];

    private static object[] Cells(PaymentOrderRow o, DateTimeOffset now, bool english) =>
    [
        ChinaTime.Format(o.CreatedAt), o.OutTradeNo, o.TransactionId, OrderSearch.TypeText(o.TradeType, english),
        OrderSearch.StateText(TransactionView.State(o, now), english), o.TotalFen / 100m, o.RefundedFen / 100m, o.FeeFen / 100m,
        o.SuccessTime is { } paid ? ChinaTime.Format(paid) : "", o.Description,
    ];

    public static Task CsvAsync(Stream output, IAsyncEnumerable<PaymentOrderRow> rows, DateTimeOffset now, bool english,
        CancellationToken ct) =>
        TableExport.CsvAsync(output, english ? HeadEn : HeadZh, rows.Select(o => Cells(o, now, english)), ct);

    public static Task XlsxAsync(Stream output, IAsyncEnumerable<PaymentOrderRow> rows, DateTimeOffset now, bool english,
        CancellationToken ct) =>
        TableExport.XlsxAsync(output, english ? "Orders" : "交易订单", english ? HeadEn : HeadZh, rows.Select(o => Cells(o, now, english)), ct);
}
