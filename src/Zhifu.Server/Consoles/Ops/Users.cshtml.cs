using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Zhifu.Server.Accounts;
using Zhifu.Server.Lifecycle;
using Zhifu.Server.Security;

namespace Zhifu.Server.Consoles.Ops;

/// <summary>Users (SEC-2, ACC-4, ACC-8): search by phone or ID through the blind index, masked; freeze and unfreeze with a reason.</summary>
[Authorize(AuthenticationSchemes = OperatorAuth.Scheme, Roles = "service,operations,risk,audit")]
public sealed class UsersModel(AccountFreezes freezes) : PageModel
{
    // Posted, never taken from the address (ACC-8): a phone or ID number in a URL stays in browser history and access logs.
    [BindProperty] public string? Phone { get; set; }
    [BindProperty] public string? IdNumber { get; set; }

    public IReadOnlyList<OperatorUserSearch.UserDto> Found { get; private set; } = [];
    public bool Searched { get; private set; }
    public string? SearchError { get; private set; }
    public string? ReasonError { get; private set; }
    public Guid? ActedOn { get; private set; }
    public string? ActedBasis { get; private set; }
    public string? Message { get; private set; }
    public string? Error { get; private set; }
    public bool CanFreeze => User.IsInRole("risk") || User.IsInRole("operations") || User.IsInRole("service");

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostSearchAsync()
    {
        await SearchAsync();
        return Page();
    }

    /// <summary>Whether this operator may set or lift a legal (司法) freeze: risk and operations, not customer service.</summary>
    public bool CanFreezeLegally => AccountFreezes.MaySetLegal(OperatorActor.Of(User));

    public Task<IActionResult> OnPostFreezeAsync(Guid userId, string? reason, string? basis) =>
        ActAsync(userId, reason, basis, async (r, legal, by) => (await freezes.FreezeByOperatorAsync(userId, r, legal, by, HttpContext.RequestAborted)).Error,
            "已冻结", "Frozen");

    public Task<IActionResult> OnPostUnfreezeAsync(Guid userId, string? reason, string? basis) =>
        ActAsync(userId, reason, basis, (r, legal, by) => freezes.UnfreezeByOperatorAsync(userId, r, legal, by, HttpContext.RequestAborted),
            "已解除冻结", "Unfrozen");

    private async Task<IActionResult> ActAsync(Guid userId, string? reason, string? basis, Func<string, bool, OperatorActor, Task<WalletError?>> act,
        string zh, string en)
    {
        if (!CanFreeze || OperatorLifecycleEndpoints.LegalBasis(basis) is not { } legal)
        {
            return Forbid();
        }
        var english = ConsoleText.IsEnglish(HttpContext);
        (ActedOn, ActedBasis) = (userId, legal ? "legal" : "risk");
        if (LifecycleInput.Reason(reason) is not { } why)
        {
            ReasonError = english ? "Give the reason (1–256 characters)" : "请填写原因（1–256 字）";
        }
        else if (await act(why, legal, OperatorActor.Of(User)) is { } error)
        {
            Error = english ? error.En : error.Zh;
        }
        else
        {
            Message = english ? en : zh;
        }
        await SearchAsync();
        return Page();
    }

    private async Task SearchAsync()
    {
        Phone = string.IsNullOrWhiteSpace(Phone) ? null : Phone.Trim();
        IdNumber = string.IsNullOrWhiteSpace(IdNumber) ? null : IdNumber.Trim();
        if (Phone is null && IdNumber is null)
        {
            return;
        }
        Searched = true;
        var (found, error) = await OperatorUserSearch.FindAsync(Phone, Phone is null ? IdNumber : null, OperatorActor.Of(User),
            HttpContext.RequestServices, HttpContext.RequestAborted);
        Found = found ?? [];
        SearchError = error is null ? null : ConsoleText.IsEnglish(HttpContext) ? error.En : error.Zh;
    }
}
