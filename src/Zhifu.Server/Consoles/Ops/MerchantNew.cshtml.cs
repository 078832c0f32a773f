using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Zhifu.Core;
using Zhifu.Server.Lifecycle;
using Zhifu.Server.Merchants;
using Zhifu.Server.Security;

namespace Zhifu.Server.Consoles.Ops;

/// <summary>
/// 商户进件 (MER-1): operations enters a new merchant; <see cref="MerchantOnboarding.SubmitAsync"/> validates it (the same
/// rules as <c>POST /api/ops/merchants</c>), enters it pending and audits it; risk approves it on the merchant's page.
/// The form only turns people's units into the API's: a fee in percent to ppm, a limit in yuan to fen.
/// </summary>
[Authorize(AuthenticationSchemes = OperatorAuth.Scheme, Roles = "operations")]
public sealed class MerchantNewModel(MerchantOnboarding onboarding) : PageModel
{
    /// <summary>Common merchant category codes, offered as suggestions (any 4 digits are accepted).</summary>
    public static readonly (string Mcc, string Zh, string En)[] CommonMccs =
    [
        ("5411", "超市、便利店", "Grocery stores, supermarkets"), ("5812", "餐馆", "Restaurants"), ("5814", "快餐", "Fast food"),
        ("5499", "食品零售", "Food stores"), ("5999", "其他零售", "Miscellaneous retail"), ("4121", "出租车", "Taxis"),
        ("7011", "酒店住宿", "Hotels"), ("5912", "药店", "Drug stores"),
    ];

    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? LicenceNo { get; set; }
    [BindProperty] public string? LegalPersonName { get; set; }
    [BindProperty] public string? LegalPersonIdNumber { get; set; }
    [BindProperty] public string? Mcc { get; set; }
    [BindProperty] public string? RiskLevel { get; set; }
    [BindProperty] public string? FeePercent { get; set; }
    [BindProperty] public string? SettlementBank { get; set; }
    [BindProperty] public string? SettlementAccountNo { get; set; }
    [BindProperty] public string? SettlementAccountName { get; set; }
    [BindProperty] public string? SingleLimitYuan { get; set; }

    private readonly Dictionary<string, string> _errors = new(StringComparer.Ordinal);

    /// <summary>The problem with a field (the API's field names), or null.</summary>
    public string? Error(string field) => _errors.GetValueOrDefault(field);

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var en = ConsoleText.IsEnglish(HttpContext);
        var fee = Ppm(FeePercent);
        var limit = string.IsNullOrWhiteSpace(SingleLimitYuan) ? 0
            : Money.TryParseYuan(SingleLimitYuan.Trim(), out var m) ? m.Fen : (long?)null;
        var application = new MerchantApplication(Name, LicenceNo?.Trim().ToUpperInvariant(), LegalPersonName, LegalPersonIdNumber,
            Mcc?.Trim(), RiskLevel, fee ?? -1, SettlementBank, SettlementAccountNo?.Replace(" ", "", StringComparison.Ordinal),
            SettlementAccountName, limit ?? -1);
        var (row, problems) = await onboarding.SubmitAsync(application, OperatorActor.Of(User), HttpContext.RequestAborted);
        if (row is not null)
        {
            return Redirect($"/ops/merchants?status=pending&created={Uri.EscapeDataString(row.MchId)}");
        }
        foreach (var (field, zh, english) in problems)
        {
            _errors[field] = en ? english : zh;
        }
        // Units the form could not read are said in its own words, beside the same fields.
        if (fee is null)
        {
            _errors["feeRatePpm"] = en ? "Enter the fee as a percentage, e.g. 0.38 (0–10)" : "费率请填百分数，如 0.38（0–10）";
        }
        if (limit is null)
        {
            _errors["singlePaymentLimitFen"] = en ? "Enter the limit in yuan, e.g. 5000 (empty: none)" : "单笔限额请填金额（元），如 5000；不填为不另设";
        }
        return Page();
    }

    /// <summary>A percentage with up to four decimals as parts per million (0.38 → 3800), or null.</summary>
    private static int? Ppm(string? percent) =>
        decimal.TryParse(percent?.Trim().TrimEnd('%'), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var p)
        && p * 10_000 is var ppm && ppm == decimal.Truncate(ppm) && ppm <= int.MaxValue ? (int)ppm : null;
}
