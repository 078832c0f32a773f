using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Lifecycle;
using Zhifu.Server.Merchants;
using Zhifu.Server.Security;

namespace Zhifu.Server.Consoles.Ops.Face;

/// <summary>
/// 刷脸支付白名单 (FACE-5): the merchants whose <c>FacePayEligible</c> term is on, with their risk level and certified terminals.
/// Whoever changes merchant terms (<see cref="OperatorMerchantEndpoints.TermsRoles"/>) adds or removes one through
/// <see cref="MerchantOnboarding.ChangeTermsAsync"/> — the terms API's change and audit entry; a high-risk merchant is refused
/// out loud (<see cref="MerchantOnboarding.MayBeEligible"/>) rather than quietly left off.
/// </summary>
[Authorize(AuthenticationSchemes = OperatorAuth.Scheme, Roles = TerminalsModel.Readers)]
public sealed class WhitelistModel(DatabaseOptions database, MerchantOnboarding onboarding) : PageModel
{
    public const int ShownMax = 500;

    [BindProperty] public string? MchId { get; set; }

    public IReadOnlyList<WhitelistLine> Rows { get; private set; } = [];
    public bool CanChange => OperatorMerchantEndpoints.TermsRoles.Split(',').Any(User.IsInRole);
    public string? MchIdError { get; private set; }
    public string? Error { get; private set; }
    public string? Message { get; private set; }

    public async Task OnGetAsync() => await LoadAsync();

    public Task<IActionResult> OnPostAddAsync() => ChangeAsync(true);

    public Task<IActionResult> OnPostRemoveAsync() => ChangeAsync(false);

    private async Task<IActionResult> ChangeAsync(bool eligible)
    {
        if (!CanChange)
        {
            return Forbid();
        }
        var en = ConsoleText.IsEnglish(HttpContext);
        MchId = MchId?.Trim();
        string? refusal;
        await using (var db = database.CreateContext())
        {
            var merchant = MchId is { Length: > 0 and <= 32 }
                ? await db.Merchants.AsNoTracking().FirstOrDefaultAsync(m => m.MchId == MchId, HttpContext.RequestAborted) : null;
            refusal = merchant is null ? "MERCHANT_NOT_FOUND"
                : eligible && !MerchantOnboarding.MayBeEligible(merchant.RiskLevel) ? "MERCHANT_HIGH_RISK" // said, not quietly kept off
                : null;
        }
        if (refusal is null)
        {
            (var changed, refusal) = await onboarding.ChangeTermsAsync(MchId!, new MerchantTerms(null, null, null, eligible, null),
                OperatorActor.Of(User), HttpContext.RequestAborted);
            refusal ??= changed!.FacePayEligible == eligible ? null : "MERCHANT_HIGH_RISK"; // made high-risk in between
        }
        if (refusal is null)
        {
            Message = eligible ? (en ? $"{MchId} added to the face-pay whitelist" : $"已将 {MchId} 加入刷脸支付白名单")
                : (en ? $"{MchId} removed from the face-pay whitelist" : $"已将 {MchId} 移出刷脸支付白名单");
            MchId = null;
        }
        else
        {
            var (_, zh, english) = MerchantOnboarding.Explain(refusal);
            if (eligible)
            {
                MchIdError = en ? english : zh;
            }
            else
            {
                Error = en ? english : zh;
            }
        }
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        await using var db = database.CreateContext();
        var merchants = await db.Merchants.AsNoTracking().Where(m => m.FacePayEligible).OrderBy(m => m.MchId).Take(ShownMax)
            .Select(m => new { m.Id, m.MchId, m.Name, m.RiskLevel, m.Status }).ToListAsync(HttpContext.RequestAborted);
        var ids = merchants.Select(m => m.Id).ToList();
        var certified = await db.Set<FaceTerminalRow>().AsNoTracking()
            .Where(t => t.State == FaceTerminalRow.Certified && ids.Contains(t.MerchantId))
            .GroupBy(t => t.MerchantId).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, HttpContext.RequestAborted);
        Rows = merchants.Select(m => new WhitelistLine(m.MchId, m.Name, m.RiskLevel, OperatorMerchantEndpoints.StatusName(m.Status),
            certified.GetValueOrDefault(m.Id))).ToList();
    }
}

/// <summary>A whitelisted merchant as the page shows it.</summary>
public sealed record WhitelistLine(string MchId, string Name, string RiskLevel, string Status, int CertifiedTerminals);
