using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Security;

namespace Zhifu.Server.Consoles.Ops;

/// <summary>
/// The tamper-evident audit log (SEC-1) with its hash chain's state — walked again when the last walk is older than
/// <see cref="VerifiedMaxAge"/>, or at once on 立即校验; auditors and risk staff.
/// </summary>
[Authorize(AuthenticationSchemes = OperatorAuth.Scheme, Roles = "audit,risk")]
public sealed class AuditModel(DatabaseOptions database, AuditLog audit) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)] public string? Action { get; set; }
    [BindProperty(SupportsGet = true)] public string? Actor { get; set; }
    [BindProperty(SupportsGet = true)] public int PageNumber { get; set; } = 1;

    /// <summary>How old the chain's last walk may be before a visit walks it again.</summary>
    public static readonly TimeSpan VerifiedMaxAge = TimeSpan.FromMinutes(10);

    public long Entries { get; private set; }
    public long? BrokenAt { get; private set; }
    public DateTimeOffset VerifiedAt { get; private set; }
    public IReadOnlyList<AuditRow> Rows { get; private set; } = [];

    public Task OnGetAsync() => LoadAsync(VerifiedMaxAge);

    /// <summary>立即校验: the whole chain, now.</summary>
    public async Task<IActionResult> OnPostVerifyAsync()
    {
        await LoadAsync(TimeSpan.Zero);
        return Page();
    }

    private async Task LoadAsync(TimeSpan maxAge)
    {
        PageNumber = Math.Clamp(PageNumber, 1, 100_000);
        (VerifiedAt, Entries, BrokenAt) = await audit.VerifiedAsync(maxAge, HttpContext.RequestAborted);
        await using var db = database.CreateContext();
        var query = db.Set<AuditRow>().AsNoTracking();
        query = Action is { Length: > 0 and <= 64 } a ? query.Where(r => r.Action.StartsWith(a)) : query;
        query = Actor is { Length: > 0 and <= 64 } who ? query.Where(r => r.Actor == who) : query;
        Rows = await query.OrderByDescending(r => r.Sequence).Skip((PageNumber - 1) * PageSize).Take(PageSize).ToListAsync(HttpContext.RequestAborted);
    }
}
