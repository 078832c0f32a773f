using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Zhifu.Server.Lifecycle;
using Zhifu.Server.Passwordless;
using Zhifu.Server.Security;

namespace Zhifu.Server.Consoles.Ops.Passwordless;

/// <summary>
/// 免密协议查询 (PWL-5, PWL-6, SEC-2): agreements by the user's phone (blind index, audited), merchant and state, masked, paged on
/// the server through <see cref="PasswordlessQueries.SearchAsync"/> — the query <c>POST /api/ops/passwordless/agreements/search</c>
/// runs. The phone is posted, never put in the address (ACC-8): a URL stays in browser history and access logs; a search by
/// phone pages with posted buttons.
/// </summary>
[Authorize(AuthenticationSchemes = OperatorAuth.Scheme, Roles = PasswordlessEndpoints.OperatorRoles.Agreements)]
public sealed class AgreementsModel(PasswordlessQueries queries) : PageModel
{
    public static readonly int[] PageSizes = [20, 50, PasswordlessQueries.SearchPageMax];

    [BindProperty] public string? Phone { get; set; }
    [BindProperty(SupportsGet = true)] public string? MchId { get; set; }
    [BindProperty(SupportsGet = true)] public string? State { get; set; }
    [BindProperty(SupportsGet = true)] public int PageNumber { get; set; } = 1;
    [BindProperty(SupportsGet = true)] public int PageSize { get; set; } = 20;

    public IReadOnlyList<AgreementHit> Rows { get; private set; } = [];
    public int Total { get; private set; }
    public string? PhoneError { get; private set; }
    public string? MchIdError { get; private set; }
    public string? PageError { get; private set; }

    public string Query(int page) => QueryString.Create(new KeyValuePair<string, string?>[]
    {
        new("mchId", MchId), new("state", State),
        new("pageSize", PageSize.ToString(CultureInfo.InvariantCulture)), new("pageNumber", page.ToString(CultureInfo.InvariantCulture)),
    }).Value!;

    /// <summary>Without a phone (merchant id and state only): an address that can be kept and shared. A phone in the address (an
    /// old bookmark) is refused by its field, never ignored — ignoring it would list everyone's agreements.</summary>
    public Task OnGetAsync()
    {
        Phone = null;
        if (Request.Query.ContainsKey("phone"))
        {
            PhoneError = ConsoleText.IsEnglish(HttpContext) ? "Search by phone with the form (never in the address)" : "请在表单中输入手机号查询（不放在网址中）";
            return Task.CompletedTask;
        }
        return SearchAsync();
    }

    public Task OnPostAsync() => SearchAsync();

    private async Task SearchAsync()
    {
        var en = ConsoleText.IsEnglish(HttpContext);
        Phone = string.IsNullOrWhiteSpace(Phone) ? null : Phone.Trim();
        MchId = string.IsNullOrWhiteSpace(MchId) ? null : MchId.Trim();
        State = PasswordlessQueries.SearchStates.Contains(State) ? State : null;
        PageSize = PageSizes.Contains(PageSize) ? PageSize : PageSizes[0];
        PageNumber = Math.Max(1, PageNumber);
        if (Phone is { } phone && !(phone.Length == 11 && phone.All(char.IsAsciiDigit)))
        {
            PhoneError = en ? "Enter an 11-digit mobile number" : "请输入 11 位手机号";
        }
        if (MchId is { Length: > 32 })
        {
            MchIdError = en ? "A merchant id has at most 32 characters" : "商户号最多 32 位";
        }
        var skip = (PageNumber - 1L) * PageSize; // a huge page number must not wrap to a negative OFFSET (a 500 on PostgreSQL)
        if (skip > PasswordlessQueries.SearchSkipMax)
        {
            PageError = en ? "Too far back: narrow the search" : "页码过大，请缩小查询条件";
        }
        if (PhoneError is not null || MchIdError is not null || PageError is not null)
        {
            return;
        }
        var found = await queries.SearchAsync(new AgreementSearch(Phone, MchId, State, (int)skip, PageSize), OperatorActor.Of(User),
            HttpContext.RequestAborted);
        (Rows, Total) = (found.Rows, found.Total);
    }
}
