using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Face;
using Zhifu.Server.Lifecycle;
using Zhifu.Server.Security;

namespace Zhifu.Server.Consoles.Ops.Face;

/// <summary>
/// 刷脸终端认证 (FACE-5): the merchants' face-pay terminals awaiting certification (or in any state) with their model's
/// certification, an expired one marked; risk certifies or rejects one with a note through <see cref="FaceTerminals.ReviewAsync"/>,
/// the Operator API's audited review, its refusal beside the note. Operations and audit read the list, as the API lets them.
/// </summary>
[Authorize(AuthenticationSchemes = OperatorAuth.Scheme, Roles = Readers)]
public sealed class TerminalsModel(FaceTerminals terminals, DatabaseOptions database, IClock clock) : PageModel
{
    /// <summary>Who reads terminals (<c>GET /api/ops/face-terminals</c>) and the whitelist; only risk reviews.</summary>
    public const string Readers = "risk,operations,audit";

    public static readonly string[] States =
        [FaceTerminalRow.Pending, FaceTerminalRow.Certified, FaceTerminalRow.Rejected, FaceTerminalRow.Disabled, "all"];

    /// <summary>The list's bound: <see cref="FaceTerminals.ListAsync"/> answers the newest 200.</summary>
    public const int ShownMax = 200;

    [BindProperty(SupportsGet = true)] public string State { get; set; } = FaceTerminalRow.Pending;

    public IReadOnlyList<TerminalLine> Rows { get; private set; } = [];
    public bool CanReview => User.IsInRole("risk");

    /// <summary>The terminal a refused review was about, the note typed, and the refusal (by the note, or the form's).</summary>
    public string? ReviewedOn { get; private set; }
    public string? Note { get; private set; }
    public string? NoteError { get; private set; }
    public string? Error { get; private set; }
    public string? Message { get; private set; }

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostReviewAsync(string terminalId, bool certify, string? note)
    {
        if (!CanReview)
        {
            return Forbid();
        }
        var en = ConsoleText.IsEnglish(HttpContext);
        var refusal = await terminals.ReviewAsync(terminalId, certify, note, OperatorActor.Of(User), HttpContext.RequestAborted);
        if (refusal is null)
        {
            Message = certify ? (en ? $"Terminal {terminalId} certified" : $"终端 {terminalId} 已通过认证")
                : (en ? $"Terminal {terminalId} rejected" : $"终端 {terminalId} 已驳回");
        }
        else
        {
            var (_, zh, english) = FaceTerminals.Explain(refusal);
            (ReviewedOn, Note) = (terminalId, note);
            if (refusal == "FACE_TERMINAL_INVALID_NOTE")
            {
                NoteError = en ? english : zh;
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
        State = States.Contains(State) ? State : FaceTerminalRow.Pending;
        var rows = await terminals.ListAsync(null, State == "all" ? null : State, HttpContext.RequestAborted);
        var mchIds = rows.Select(t => t.MchId).Distinct().ToList();
        await using var db = database.CreateContext();
        var names = await db.Merchants.AsNoTracking().Where(m => mchIds.Contains(m.MchId))
            .ToDictionaryAsync(m => m.MchId, m => m.Name, HttpContext.RequestAborted);
        var today = DateOnly.FromDateTime(ChinaTime.ToChina(clock.UtcNow).DateTime);
        // those awaiting a decision first, then the newest (the order ListAsync gives)
        Rows = rows.OrderBy(t => t.State != FaceTerminalRow.Pending)
            .Select(t => new TerminalLine(t, names.GetValueOrDefault(t.MchId, ""), t.CertExpiresOn < today)).ToList();
    }
}

/// <summary>A terminal as the list shows it: its merchant's name and whether its certification has expired (China's date).</summary>
public sealed record TerminalLine(FaceTerminalRow Terminal, string MerchantName, bool Expired);
