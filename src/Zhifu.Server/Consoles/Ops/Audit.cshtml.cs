using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Security;

namespace Zhifu.Server.Consoles.Ops;

/// <summary>The tamper-evident audit log (SEC-1) with its hash chain verified on every visit; auditors and risk staff.</summary>
[Authorize(AuthenticationSchemes = OperatorAuth.Scheme, Roles = "audit,risk")]
public sealed class AuditModel(DatabaseOptions database, AuditLog audit) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)] public string? Action { get; set; }
    [BindProperty(SupportsGet = true)] public string? Actor { get; set; }
    [BindProperty(SupportsGet = true)] public int PageNumber { get; set; } = 1;

    public long Entries { get; private set; }
    public long? BrokenAt { get; private set; }
    public IReadOnlyList<AuditRow> Rows { get; private set; } = [];

    public async Task OnGetAsync()
    {
        PageNumber = Math.Clamp(PageNumber, 1, 100_000);
        (Entries, BrokenAt) = await audit.VerifyAsync(HttpContext.RequestAborted);
        await using var db = database.CreateContext();
        var query = db.Set<AuditRow>().AsNoTracking();
        query = Action is { Length: > 0 and <= 64 } a ? query.Where(r => r.Action.StartsWith(a)) : query;
        query = Actor is { Length: > 0 and <= 64 } who ? query.Where(r => r.Actor == who) : query;
        Rows = await query.OrderByDescending(r => r.Sequence).Skip((PageNumber - 1) * PageSize).Take(PageSize).ToListAsync(HttpContext.RequestAborted);
    }
}
