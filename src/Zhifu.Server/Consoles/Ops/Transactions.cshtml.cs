using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Zhifu.Server.Lifecycle;
using Zhifu.Server.Security;
using Zhifu.Server.Statements;

namespace Zhifu.Server.Consoles.Ops;

/// <summary>
/// Transactions (SEC-2, PAY-3, TRF-1, CARD-2): payments, refunds, transfers, top-ups and withdrawals in one list, filtered,
/// sorted and paged on the server, wallets masked (ACC-8); the roles that may read a wallet's statement, audited per page.
/// </summary>
[Authorize(AuthenticationSchemes = OperatorAuth.Scheme, Roles = OperatorStatementEndpoints.ReaderRoles)]
public sealed class TransactionsModel(OperatorTransactions transactions) : PageModel
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

    public string Link(params (string Name, string? Value)[] changes) => "?" + Filter.QueryString(changes);

    public static string OutcomeTag(string outcome) => outcome switch
    {
        TransactionOutcomes.Succeeded => "ok",
        TransactionOutcomes.Failed => "bad",
        _ => "warn",
    };

    public string OutcomeName(string outcome) => outcome switch
    {
        TransactionOutcomes.Succeeded => English ? "succeeded" : "成功",
        TransactionOutcomes.Failed => English ? "failed / closed" : "失败或关闭",
        _ => English ? "in progress" : "处理中",
    };
}
