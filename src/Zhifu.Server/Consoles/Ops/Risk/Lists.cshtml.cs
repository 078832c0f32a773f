using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Zhifu.Core;
using Zhifu.Server.Lifecycle;
using Zhifu.Server.Risk;
using Zhifu.Server.Security;

namespace Zhifu.Server.Consoles.Ops.Risk;

/// <summary>Risk lists (RISK-3): risk and audit read; risk staff add and remove entries with reasons (audited, as in the API).</summary>
[Authorize(AuthenticationSchemes = OperatorAuth.Scheme, Roles = "risk,audit")]
public sealed class ListsModel(RiskLists lists, IClock clock) : PageModel
{
    public static readonly string[] Kinds = [RiskLists.Account, RiskLists.Device, RiskLists.Card, RiskLists.Merchant];
    public const int RowsMax = 200;

    [BindProperty(SupportsGet = true)] public string? List { get; set; }
    [BindProperty(SupportsGet = true)] public bool All { get; set; }

    public IReadOnlyList<RiskListEndpoints.EntryDto> Entries { get; private set; } = [];
    public string? FormError { get; private set; }
    public string? Message { get; private set; }
    public string? Error { get; private set; }
    public bool CanEdit => User.IsInRole("risk");

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostAddAsync(string? newList, string? subject, string? source, string? reason, DateOnly? expires)
    {
        if (!CanEdit)
        {
            return Forbid();
        }
        if (ModelState[nameof(expires)]?.Errors.Count > 0 || expires is { Year: < 2000 or > 9000 })
        {
            // an unreadable date would bind as none — a listing that never expires — and year 1 or 9999 cannot be a day's end
            FormError = ConsoleText.IsEnglish(HttpContext) ? "The expiry is a date (yyyy-mm-dd)" : "到期日须为日期（年-月-日）";
            await LoadAsync();
            return Page();
        }
        subject = subject?.Trim();
        var request = new RiskListEndpoints.ListingRequest(newList,
            newList == RiskLists.Account ? (Guid.TryParse(subject, out var id) ? id : Guid.Empty) : null,
            newList == RiskLists.Device ? subject : null, newList == RiskLists.Card ? subject : null,
            newList == RiskLists.Merchant ? subject : null, reason, source,
            expires is { } d ? new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8)).AddDays(1) : null);
        var (listing, invalid) = RiskListEndpoints.Validate(request, clock.UtcNow);
        if (invalid is not null || request.UserId == Guid.Empty)
        {
            var error = invalid ?? RiskErrors.InvalidList;
            FormError = ConsoleText.IsEnglish(HttpContext) ? error.En : error.Zh;
        }
        else
        {
            await lists.AddAsync(listing!, OperatorActor.Of(User), HttpContext.RequestAborted);
            Message = ConsoleText.IsEnglish(HttpContext) ? "Listed" : "已列入名单";
        }
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostRemoveAsync(Guid id, string? removalReason)
    {
        if (!CanEdit)
        {
            return Forbid();
        }
        var en = ConsoleText.IsEnglish(HttpContext);
        if (LifecycleInput.Reason(removalReason) is not { } why)
        {
            Error = en ? LifecycleErrors.ReasonRequired.En : LifecycleErrors.ReasonRequired.Zh;
        }
        else if (await lists.RemoveAsync(id, why, OperatorActor.Of(User), HttpContext.RequestAborted) is null)
        {
            Error = en ? RiskErrors.ListEntryNotFound.En : RiskErrors.ListEntryNotFound.Zh;
        }
        else
        {
            Message = en ? "Removed from the list" : "已移出名单";
        }
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        List = Kinds.Contains(List) ? List : null;
        var rows = await lists.ListAsync(List, !All, RowsMax, HttpContext.RequestAborted);
        Entries = [.. rows.Select(r => RiskListEndpoints.Dto(r, clock.UtcNow))];
    }
}
