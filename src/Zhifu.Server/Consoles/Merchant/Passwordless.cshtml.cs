using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Zhifu.Server.Merchants;
using Zhifu.Server.Passwordless;

namespace Zhifu.Server.Consoles.Merchant;

/// <summary>
/// 免密支付 (PWL-1, MER-3): the merchant's own entrusted-debit contracts — what the protocol tells a merchant, never the
/// user's phone or name — and the orders charged (or waiting for the user) under them, each list paged on the server by
/// the queries <c>GET /api/merchant/passwordless/contracts</c> and <c>/orders</c> run. Admin and finance; a cashier is refused.
/// </summary>
[Authorize(Policy = MerchantStaffAuth.Finance)]
public sealed class PasswordlessModel(PasswordlessQueries queries) : PageModel
{
    public const int PageSize = 20;

    /// <summary>Page of the contracts list.</summary>
    [BindProperty(SupportsGet = true)] public int Cp { get; set; } = 1;

    /// <summary>Page of the orders list.</summary>
    [BindProperty(SupportsGet = true)] public int Op { get; set; } = 1;

    public IReadOnlyList<MerchantContractView> Contracts { get; private set; } = [];
    public int ContractsTotal { get; private set; }
    public IReadOnlyList<MerchantPasswordlessOrder> Orders { get; private set; } = [];
    public int OrdersTotal { get; private set; }

    public async Task OnGetAsync()
    {
        var last = PasswordlessQueries.SearchSkipMax / PageSize;
        (Cp, Op) = (Math.Clamp(Cp, 1, last), Math.Clamp(Op, 1, last));
        var mchId = User.MchId();
        var ct = HttpContext.RequestAborted;
        (Contracts, ContractsTotal) = await queries.MerchantContractsAsync(mchId, (Cp - 1) * PageSize, PageSize, ct);
        (Orders, OrdersTotal) = await queries.MerchantOrdersAsync(mchId, (Op - 1) * PageSize, PageSize, ct);
    }
}
