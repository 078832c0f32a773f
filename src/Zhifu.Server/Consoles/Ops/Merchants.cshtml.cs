using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Security;

namespace Zhifu.Server.Consoles.Ops;

/// <summary>Merchants (MER-1): every role reads the list, filtered and paged on the server.</summary>
[Authorize(AuthenticationSchemes = OperatorAuth.Scheme)]
public sealed class MerchantsModel(DatabaseOptions database) : PageModel
{
    public const int PageSize = 20;

    public static readonly (string Value, string Zh, string En)[] Statuses =
        [("pending", "待审核", "pending"), ("active", "已开通", "active"), ("rejected", "已驳回", "rejected"), ("suspended", "已暂停", "suspended")];

    [BindProperty(SupportsGet = true)] public string? Status { get; set; }
    [BindProperty(SupportsGet = true)] public int PageNumber { get; set; } = 1;

    /// <summary>The mchid the onboarding form just entered (to say so), or null.</summary>
    [BindProperty(SupportsGet = true)] public string? Created { get; set; }

    public int Total { get; private set; }
    public IReadOnlyList<MerchantRow> Rows { get; private set; } = [];

    public async Task OnGetAsync()
    {
        PageNumber = Math.Clamp(PageNumber, 1, 10_000);
        var wanted = Array.FindIndex(Statuses, s => s.Value == Status);
        Status = wanted < 0 ? null : Status;
        await using var db = database.CreateContext();
        var query = db.Merchants.AsNoTracking();
        query = wanted >= 0 ? query.Where(m => m.Status == wanted) : query;
        Total = await query.CountAsync(HttpContext.RequestAborted);
        Rows = await query.OrderByDescending(m => m.CreatedAt).Skip((PageNumber - 1) * PageSize).Take(PageSize).ToListAsync(HttpContext.RequestAborted);
    }
}
