using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Merchants;

namespace Zhifu.Server.Consoles.Merchant;

/// <summary>
/// 员工与角色 (MER-5), admin only: the merchant's staff (filtered by role and state, paged), a new account with its initial
/// password shown once, a role change, disable and enable; through the same <see cref="MerchantStaff"/> rules and audit as
/// the console API (never the last enabled admin, never oneself disabled).
/// </summary>
[Authorize(Policy = MerchantStaffAuth.Admins)]
public sealed class StaffModel(DatabaseOptions database, MerchantStaff staff) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true, Name = "filterRole")]
    public string? FilterRole { get; set; }

    [BindProperty(SupportsGet = true)]
    public int PageNumber { get; set; } = 1;

    [BindProperty]
    public string? Username { get; set; }

    [BindProperty]
    public string? Role { get; set; }

    public int Total { get; private set; }
    public IReadOnlyList<MerchantStaffRow> Rows { get; private set; } = [];
    public string? Created { get; private set; }
    public string? CreatedPassword { get; private set; }
    public string? UsernameError { get; private set; }
    public string? RoleError { get; private set; }
    public string? Message { get; private set; }
    public string? Error { get; private set; }
    public string? ErrorFor { get; private set; }

    private bool English => ConsoleText.IsEnglish(HttpContext);

    public async Task OnGetAsync() => await LoadAsync();

    public async Task OnPostAddAsync()
    {
        var (row, password, refusal) = await staff.AddAsync(User.MerchantId(), Username?.Trim(), Role, "merchant:" + User.Identity!.Name,
            "admin", HttpContext.RequestAborted);
        if (refusal is null)
        {
            (Created, CreatedPassword, Username, Role) = (row!.Username, password, null, null);
        }
        else if (refusal.Field == "role")
        {
            RoleError = refusal.Text(English);
        }
        else
        {
            UsernameError = refusal.Text(English);
        }
        await LoadAsync();
    }

    public async Task OnPostChangeAsync(string username, string? newRole, string? action)
    {
        bool? disable = action switch { "disable" => true, "enable" => false, _ => null };
        var (_, refusal) = await staff.UpdateAsync(User.MerchantId(), username ?? "", string.IsNullOrEmpty(newRole) ? null : newRole, disable,
            User.Identity!.Name!, HttpContext.RequestAborted);
        if (refusal is null)
        {
            Message = English ? $"{username} is updated" : $"已更新员工 {username}";
        }
        else
        {
            (Error, ErrorFor) = (refusal.Text(English), username);
        }
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        PageNumber = Math.Clamp(PageNumber, 1, 1_000);
        FilterRole = MerchantStaffAuth.Roles.Contains(FilterRole) ? FilterRole : null;
        var merchantId = User.MerchantId();
        await using var db = database.CreateContext();
        var query = db.Set<MerchantStaffRow>().AsNoTracking().Where(s => s.MerchantId == merchantId);
        query = FilterRole is { } role ? query.Where(s => s.Role == role) : query;
        Total = await query.CountAsync(HttpContext.RequestAborted);
        Rows = await query.OrderBy(s => s.Username).Skip((PageNumber - 1) * PageSize).Take(PageSize).ToListAsync(HttpContext.RequestAborted);
    }
}
