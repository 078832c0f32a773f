using Zhifu.Core;
using Zhifu.Server.Statements;

namespace Zhifu.Server.Consoles.Ops;

/// <summary>
/// The transaction list's export: the on-screen filter's lines, at most <see cref="OperatorTransactions.ExportRowsMax"/>, with
/// the columns of the page — wallets and counterparties masked exactly as shown (ACC-8) — as CSV or Excel (<see cref="SheetExport"/>).
/// </summary>
public static class TransactionExport
{
    private static readonly string[] HeadZh = ["时间", "类型", "交易号", "商户单号", "商户号", "钱包", "对方", "金额(元)", "状态", "原始状态", "记录编号"];
    private static readonly string[] HeadEn = ["Time", "Kind", "Number", "Merchant's no.", "mchid", "Wallet", "Counterparty", "Amount (CNY)", "Status", "Own status", "Record id"];

    public static Task SendAsync(HttpResponse response, string format, IReadOnlyList<OperatorTransactions.Shown> rows, DateTimeOffset now,
        bool english, CancellationToken ct) =>
        SheetExport.SendAsync(response, format, $"transactions-{ChinaTime.ToChina(now):yyyyMMdd-HHmmss}", english ? "Transactions" : "交易查询",
            english ? HeadEn : HeadZh, rows.Select(r => Cells(r, english)).ToAsyncEnumerable(), ct);

    private static object[] Cells(OperatorTransactions.Shown row, bool english)
    {
        var l = row.Line;
        return
        [
            ChinaTime.Format(l.At), OperatorTransactions.KindName(l.Kind, english), l.Number ?? l.Id.ToString(), l.MerchantNumber ?? "",
            l.MchId ?? "", row.Wallet ?? "—", l.Counterparty ?? "—", l.AmountFen / 100m, TransactionsModel.OutcomeText(l.Outcome, english),
            l.Status, l.Id.ToString(),
        ];
    }
}
