using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Zhifu.Core;
using Zhifu.Server.Lifecycle;
using Zhifu.Server.Security;
using Zhifu.Server.Statements;

namespace Zhifu.Server.Consoles.Ops;

/// <summary>
/// Transactions (SEC-2, PAY-3, TRF-1, CARD-2): payments, refunds, transfers, top-ups and withdrawals in one list, filtered,
/// sorted and paged on the server, wallets masked (ACC-8); the roles that may read a wallet's statement, audited per page.
/// The same filter exports to CSV or Excel, capped at <see cref="OperatorTransactions.ExportRowsMax"/> rows, audited too.
/// </summary>
[Authorize(AuthenticationSchemes = OperatorAuth.Scheme, Roles = OperatorStatementEndpoints.ReaderRoles)]
public sealed class TransactionsModel(OperatorTransactions transactions, IClock clock) : PageModel
{
    public static readonly int[] PageSizes = [20, 50, 100];

    public TransactionFilter Filter { get; private set; } = null!;
    public OperatorTransactions.Page Result { get; private set; } = new([], 0);
    public IReadOnlyCollection<string> Kinds => transactions.Kinds;
    public bool English => ConsoleText.IsEnglish(HttpContext);

    public async Task OnGetAsync()
    {
        Filter = TransactionFilter.Of(Request.Query, transactions.Kinds);
        Result = await transactions.PageAsync(Filter, OperatorActor.Of(User), HttpContext.RequestAborted);
    }

    /// <summary>The filter's lines (not only this page's), at most <see cref="OperatorTransactions.ExportRowsMax"/>, as CSV.</summary>
    public Task<IActionResult> OnGetCsvAsync() => ExportAsync(SheetExport.Csv);

    /// <summary>The same as an Excel workbook.</summary>
    public Task<IActionResult> OnGetXlsxAsync() => ExportAsync(SheetExport.Xlsx);

    private async Task<IActionResult> ExportAsync(string format)
    {
        Filter = TransactionFilter.Of(Request.Query, transactions.Kinds);
        var rows = await transactions.ExportAsync(Filter, format, OperatorActor.Of(User), HttpContext.RequestAborted);
        await TransactionExport.SendAsync(Response, format, rows, clock.UtcNow, English, HttpContext.RequestAborted);
        return new EmptyResult();
    }

    public string Link(params (string Name, string? Value)[] changes) => "?" + Filter.QueryString(changes);

    public static string OutcomeTag(string outcome) => outcome switch
    {
        TransactionOutcomes.Succeeded => "ok",
        TransactionOutcomes.Failed => "bad",
        _ => "warn",
    };

    public string OutcomeName(string outcome) => OutcomeText(outcome, English);

    public static string OutcomeText(string outcome, bool english) => outcome switch
    {
        TransactionOutcomes.Succeeded => english ? "succeeded" : "成功",
        TransactionOutcomes.Failed => english ? "failed / closed" : "失败或关闭",
        _ => english ? "in progress" : "处理中",
    };
}
