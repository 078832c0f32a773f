using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Zhifu.Server.Lifecycle;
using Zhifu.Server.Security;
using Zhifu.Server.Statements;

namespace Zhifu.Server.Consoles.Ops;

/// <summary>One transaction (SEC-2): its line, history, linked records and the ledger transfers that explain it; audited.</summary>
[Authorize(AuthenticationSchemes = OperatorAuth.Scheme, Roles = OperatorStatementEndpoints.ReaderRoles)]
public sealed class TransactionModel(OperatorTransactions transactions) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    public OperatorTransactions.Detail Detail { get; private set; } = null!;
    public bool English => ConsoleText.IsEnglish(HttpContext);

    public async Task<IActionResult> OnGetAsync()
    {
        if (await transactions.FindAsync(Id, OperatorActor.Of(User), HttpContext.RequestAborted) is not { } detail)
        {
            return NotFound();
        }
        Detail = detail;
        return Page();
    }
}
