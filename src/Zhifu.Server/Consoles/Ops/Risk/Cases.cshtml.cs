using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Risk;
using Zhifu.Server.Security;

namespace Zhifu.Server.Consoles.Ops.Risk;

/// <summary>Risk cases (RISK-4), filtered, sorted and paged on the server; risk staff and auditors.</summary>
[Authorize(AuthenticationSchemes = OperatorAuth.Scheme, Roles = "risk,audit")]
public sealed class CasesModel(DatabaseOptions database, RiskOptions options, IClock clock) : PageModel
{
    public const int PageSize = 20;

    public static readonly (string Value, string Zh, string En)[] Statuses =
        [(RiskCases.Open, "待处理", "open"), (RiskCases.Assigned, "处理中", "assigned"), (RiskCases.Decided, "已决定", "decided")];

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Kind { get; set; }

    [BindProperty(SupportsGet = true)]
    public string Sort { get; set; } = "new";

    [BindProperty(SupportsGet = true)]
    public int PageNumber { get; set; } = 1;

    public int Total { get; private set; }
    public int DeadlineHours => options.CaseDeadlineHours;
    public IReadOnlyList<RiskCaseRow> Rows { get; private set; } = [];

    public bool Overdue(RiskCaseRow c) => c?.Status != RiskCases.Decided && clock.UtcNow > c!.CreatedAt.AddHours(DeadlineHours);

    public async Task OnGetAsync()
    {
        PageNumber = Math.Clamp(PageNumber, 1, 10_000);
        Status = Statuses.Any(s => s.Value == Status) ? Status : null;
        Kind = Kind is RiskCases.KindReview or RiskCases.KindAlert ? Kind : null;
        await using var db = database.CreateContext();
        var query = db.Set<RiskCaseRow>().AsNoTracking();
        query = Status is not null ? query.Where(c => c.Status == Status) : query;
        query = Kind is not null ? query.Where(c => c.Kind == Kind) : query;
        Total = await query.CountAsync(HttpContext.RequestAborted);
        query = Sort == "amount" ? query.OrderByDescending(c => c.AmountFen).ThenByDescending(c => c.CreatedAt) : query.OrderByDescending(c => c.CreatedAt);
        Rows = await query.Skip((PageNumber - 1) * PageSize).Take(PageSize).ToListAsync(HttpContext.RequestAborted);
    }
}
