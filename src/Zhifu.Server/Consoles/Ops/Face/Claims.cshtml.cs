using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Zhifu.Data.Entities;
using Zhifu.Server.Face;
using Zhifu.Server.Security;

namespace Zhifu.Server.Consoles.Ops.Face;

/// <summary>
/// 刷脸支付赔付申诉 (FACE-6, CS-1, CS-2): the users' claims on face payments, open ones by deadline (overdue marked), paged on the
/// server by <see cref="FaceClaims.ListAsync"/>; filtered by state or to the compensations whose recovery is still open. Read by
/// the roles the Operator API lets read claims; each claim's page (<see cref="ClaimModel"/>) is where it is taken and decided.
/// </summary>
[Authorize(AuthenticationSchemes = OperatorAuth.Scheme, Roles = FaceClaimEndpoints.OperatorRoles.Read)]
public sealed class ClaimsModel(FaceClaims claims) : PageModel
{
    public const int PageSize = 20;

    /// <summary>How far the pager goes (20,000 claims back), so a typed page number cannot make the database skip without end.</summary>
    public const int PageNumberMax = 1_000;

    public static readonly string[] Filters = [.. FaceClaims.States, FaceText.RecoveryPending, "all"];

    [BindProperty(SupportsGet = true)] public string State { get; set; } = FaceClaimRow.Open;
    [BindProperty(SupportsGet = true)] public int PageNumber { get; set; } = 1;

    public IReadOnlyList<FaceClaimView> Rows { get; private set; } = [];
    public int Total { get; private set; }

    public async Task OnGetAsync()
    {
        State = Filters.Contains(State) ? State : FaceClaimRow.Open;
        PageNumber = Math.Clamp(PageNumber, 1, PageNumberMax);
        var pending = State == FaceText.RecoveryPending;
        (Rows, Total) = await claims.ListAsync(pending || State == "all" ? null : State, pending, (PageNumber - 1) * PageSize, PageSize,
            HttpContext.RequestAborted);
    }
}
