using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Merchants;

namespace Zhifu.Server.Consoles.Merchant;

/// <summary>
/// 交易订单 (MER-3): the merchant's orders, searched, sorted and paged on the server; the same filter exports to CSV or Excel,
/// capped at <see cref="MerchantConsoleOptions.ExportRowsMax"/> rows. Every staff role sees its own merchant's orders only.
/// </summary>
[Authorize(Policy = MerchantStaffAuth.AnyStaff)]
public sealed class IndexModel(DatabaseOptions database, MerchantConsoleOptions options, IClock clock) : PageModel
{
    public const int PageSize = 20;

    [BindProperty(SupportsGet = true)]
    public int PageNumber { get; set; } = 1;

    public OrderSearch Filter { get; private set; } = new();
    public int Total { get; private set; }
    public IReadOnlyList<PaymentOrderRow> Rows { get; private set; } = [];
    public DateTimeOffset Now => clock.UtcNow;
    public int ExportRowsMax => options.ExportRowsMax;

    public async Task OnGetAsync()
    {
        PageNumber = Math.Clamp(PageNumber, 1, 100_000);
        await using var db = database.CreateContext();
        var query = Search(db);
        Total = await query.CountAsync(HttpContext.RequestAborted);
        Rows = await query.Skip((PageNumber - 1) * PageSize).Take(PageSize).ToListAsync(HttpContext.RequestAborted);
    }

    public Task<IActionResult> OnGetCsvAsync() => ExportAsync(SheetExport.Csv);

    public Task<IActionResult> OnGetXlsxAsync() => ExportAsync(SheetExport.Xlsx);

    private IQueryable<PaymentOrderRow> Search(ZhifuDb db)
    {
        Filter = OrderSearch.Of(Request.Query);
        return Filter.Apply(db.Set<PaymentOrderRow>().AsNoTracking(), User.MchId(), clock.UtcNow, ConsoleText.IsEnglish(HttpContext));
    }

    private async Task<IActionResult> ExportAsync(string format)
    {
        await using var db = database.CreateContext();
        var query = Search(db);
        if (Filter.HasErrors)
        {
            await OnGetAsync(); // the list with the fields' messages, not a file of other orders than those asked for
            return Page();
        }
        var rows = query.Take(options.ExportRowsMax).AsAsyncEnumerable();
        await OrderExport.SendAsync(Response, format, $"orders-{User.MchId()}-{ChinaTime.ToChina(clock.UtcNow):yyyyMMdd-HHmmss}", rows,
            clock.UtcNow, ConsoleText.IsEnglish(HttpContext), HttpContext.RequestAborted);
        return new EmptyResult();
    }
}
