using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Zhifu.Server.Ledger;
using Zhifu.Server.Lifecycle;
using Zhifu.Server.Security;
using Zhifu.Server.Statements;

namespace Zhifu.Server.Consoles.Ops.Finance;

/// <summary>
/// 财务 (SET-1, SET-3, FACE-6): the institution's own accounts — custody reserve and channel clearing per bank, fee income,
/// the risk compensation fund, in-transit, suspense — with their committed balances (what
/// <c>GET /api/ops/ledger/institution-accounts</c> lists), and the ledger verification started in the background.
/// Finance and audit, as the ledger API.
/// </summary>
[Authorize(AuthenticationSchemes = OperatorAuth.Scheme, Roles = OperatorLedgerApi.ReaderRoles)]
public sealed class IndexModel(InstitutionChart chart, LedgerVerifications verifications) : PageModel
{
    public IReadOnlyList<InstitutionBalance> Accounts { get; private set; } = [];
    public VerificationJob? Latest { get; private set; }

    public void OnGet()
    {
        Accounts = chart.Balances();
        Latest = verifications.Latest();
    }

    /// <summary>Starts a verification (or joins the running one) and shows its progress.</summary>
    public IActionResult OnPostVerify()
    {
        var (job, _) = verifications.Start(OperatorActor.Of(User));
        return Redirect($"/ops/finance/verifications/{job.Id}");
    }

    /// <summary>An institution account's name, from its chart key (<c>custody:ICBC</c>, <c>fee-income</c> …).</summary>
    public static (string Zh, string En) Name(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var colon = key.IndexOf(':', StringComparison.Ordinal);
        var bank = colon < 0 ? "" : key[(colon + 1)..];
        return (colon < 0 ? key : key[..colon]) switch
        {
            "custody" => ($"备付金 · {BankNames.Zh(bank)}", $"Custody reserve · {BankNames.En(bank)}"),
            "clearing" => ($"渠道清算 · {BankNames.Zh(bank)}", $"Channel clearing · {BankNames.En(bank)}"),
            InstitutionChart.FeeIncome => ("手续费收入", "Fee income"),
            InstitutionChart.RiskCompensationFund => ("风险补偿金", "Risk compensation fund"),
            InstitutionChart.InTransit => ("在途资金", "In transit"),
            InstitutionChart.Suspense => ("差错挂账", "Suspense"),
            _ => (key, key),
        };
    }
}
