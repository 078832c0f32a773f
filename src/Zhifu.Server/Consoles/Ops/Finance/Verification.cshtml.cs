using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Zhifu.Server.Ledger;
using Zhifu.Server.Security;

namespace Zhifu.Server.Consoles.Ops.Finance;

/// <summary>
/// One background ledger verification: its progress while it runs (the page reloads itself every second), then every invariant
/// with pass or fail and its figures, and the totals it summed. A verification no longer kept answers 404.
/// </summary>
[Authorize(AuthenticationSchemes = OperatorAuth.Scheme, Roles = OperatorLedgerApi.ReaderRoles)]
public sealed class VerificationModel(LedgerVerifications verifications) : PageModel
{
    /// <summary>Invariant and total names as the verifier gives them (English, as <c>zhifu verify</c> prints), in Chinese.</summary>
    private static readonly Dictionary<string, string> Chinese = new(StringComparer.Ordinal)
    {
        ["total debits = total credits (posted)"] = "借贷平衡（已记账）",
        ["total debits = total credits (pending)"] = "借贷平衡（冻结中）",
        ["every balance equals the sum of its transfers"] = "每个账户余额等于其转账之和",
        ["no flagged account below zero"] = "受限账户无负余额",
        ["closed accounts match their closing holds"] = "已关闭账户与其关闭冻结一致（ACC-6）",
        ["custody covers customer funds (SET-1)"] = "备付金覆盖客户与商户资金（SET-1）",
        ["every hold is open, posted once, voided once or expired"] = "每笔冻结未了结，或只入账一次、只撤销一次、或已过期",
        ["every applied transfer is explained by one business record"] = "每笔转账都有一条业务记录说明",
        ["accounts"] = "账户数",
        ["debits posted"] = "已记账借方合计",
        ["credits posted"] = "已记账贷方合计",
        ["debits pending"] = "冻结中借方合计",
        ["credits pending"] = "冻结中贷方合计",
        ["customer and merchant liabilities"] = "客户与商户资金（负债）",
        ["institution funds in custody"] = "机构自有资金（存于备付金）",
        ["custody reserve and channel clearing"] = "备付金与渠道清算",
    };

    public VerificationJob? Job { get; private set; }

    public void OnGet(Guid id)
    {
        Job = verifications.Find(id);
        if (Job is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
        }
        else if (Job.Running)
        {
            ViewData["RefreshSeconds"] = 1;
        }
    }

    /// <summary>A verifier's name in the page's language.</summary>
    public string Name(string name) => ConsoleText.IsEnglish(HttpContext) ? name : Chinese.GetValueOrDefault(name, name);
}
