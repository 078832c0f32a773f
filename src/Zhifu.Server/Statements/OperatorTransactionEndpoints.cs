using System.Globalization;
using System.Security.Claims;
using Zhifu.Core;
using Zhifu.Server.Accounts;
using Zhifu.Server.Lifecycle;
using Zhifu.Server.Security;

namespace Zhifu.Server.Statements;

/// <summary>
/// <c>GET /api/ops/transactions</c> — the operator console's transaction list as JSON (SEC-2): the same
/// <see cref="OperatorTransactions"/> query, filter, paging limits, roles (<see cref="OperatorStatementEndpoints.ReaderRoles"/>)
/// and audit entry (<c>transactions.list</c>) as the page. Unlike the page, which shows a bad field beside itself, the API
/// refuses anything it would not use as given: a client that asked for 500 a page and silently got 100 would think it had
/// everything.
/// </summary>
public static class OperatorTransactionEndpoints
{
    private static readonly string[] Parameters = [.. TransactionFilter.Names, "page"];

    public static readonly WalletError UnknownParameter = new(400, "INVALID_TRANSACTION_PARAMETER",
        "只支持参数 kind、status、from、to、min、max、mchid、q、sort、size、page，每个只给一次，最多 64 个字符",
        "Only kind, status, from, to, min, max, mchid, q, sort, size and page are accepted, each once, at most 64 characters");
    public static readonly WalletError BadKind = new(400, "INVALID_TRANSACTION_KIND", "不支持的交易类型", "Unknown transaction kind");
    public static readonly WalletError BadStatus = new(400, "INVALID_TRANSACTION_STATUS", "状态须为 succeeded、processing 或 failed",
        "status must be succeeded, processing or failed");
    public static readonly WalletError BadSort = new(400, "INVALID_TRANSACTION_SORT", "排序须为 new、old、amount 或 amount-asc",
        "sort must be new, old, amount or amount-asc");
    public static readonly WalletError BadSize = new(400, "INVALID_TRANSACTION_PAGE_SIZE", "每页条数须为 1 到 100 的整数",
        "size must be a whole number from 1 to 100");
    public static readonly WalletError BadPage = new(400, "INVALID_TRANSACTION_PAGE",
        $"页码须为正整数，且最多跳过 {TransactionFilter.OffsetMax} 笔：请缩小查询条件",
        $"page must be a positive whole number skipping at most {TransactionFilter.OffsetMax} rows: narrow the filter");

    /// <summary>One line as the API answers it: the wallet masked as on the page (ACC-8), the time in China time.</summary>
    public sealed record TransactionDto(Guid Id, string Kind, string? Number, string? MerchantNumber, string? MchId, string? Wallet,
        string? Counterparty, long AmountFen, string Amount, string Status, string Outcome, DateTimeOffset At);

    /// <summary>A page; <c>total</c> is counted up to <see cref="OperatorTransactions.CountMax"/> (<c>totalIsLowerBound</c> then).</summary>
    public sealed record TransactionPageDto(IReadOnlyList<TransactionDto> Items, int Total, bool TotalIsLowerBound, int Page, int Size);

    public static void Map(WebApplication app)
    {
        app.MapGet("/api/ops/transactions", ListAsync).WithTags("Operator: transactions")
            .RequireAuthorization(p => p.AddAuthenticationSchemes(OperatorAuth.Scheme).RequireRole(OperatorStatementEndpoints.ReaderRoles.Split(',')));
    }

    private static async Task<IResult> ListAsync(ClaimsPrincipal principal, OperatorTransactions transactions, HttpContext context)
    {
        var query = context.Request.Query;
        if (Refusal(query, transactions.Kinds) is { } refusal)
        {
            return refusal.ToResult(context);
        }
        var filter = TransactionFilter.Of(query, transactions.Kinds);
        var page = await transactions.PageAsync(filter, OperatorActor.Of(principal), context.RequestAborted);
        return Results.Ok(new TransactionPageDto([.. page.Rows.Select(r => new TransactionDto(r.Line.Id, r.Line.Kind, r.Line.Number,
                r.Line.MerchantNumber, r.Line.MchId, r.Wallet, r.Line.Counterparty, r.Line.AmountFen, new Money(r.Line.AmountFen).ToString(),
                r.Line.Status, r.Line.Outcome, ChinaTime.ToChina(r.Line.At)))],
            page.Total, page.Total >= OperatorTransactions.CountMax, filter.PageNumber, filter.PageSize));
    }

    private static WalletError? Refusal(IQueryCollection query, IReadOnlyCollection<string> kinds)
    {
        if (query.Any(p => !Parameters.Contains(p.Key) || p.Value.Count > 1 || p.Value.FirstOrDefault()?.Length > 64))
        {
            return UnknownParameter;
        }
        string? Given(string name) => query[name].FirstOrDefault()?.Trim() is { Length: > 0 } v ? v : null;
        var size = TransactionFilter.PageSizeDefault;
        if (Given("size") is { } sizeText && !(int.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out size)
            && size is >= 1 and <= TransactionFilter.PageSizeMax))
        {
            return BadSize;
        }
        if (Given("page") is { } pageText && !(int.TryParse(pageText, NumberStyles.None, CultureInfo.InvariantCulture, out var page)
            && page >= 1 && (long)(page - 1) * size <= TransactionFilter.OffsetMax))
        {
            return BadPage;
        }
        var filter = TransactionFilter.Of(query, kinds);
        // A bad date or amount: the page's own words for it, as a stable code.
        WalletError? Field(string code, string first, string second) =>
            (filter.Error(first, false) ?? filter.Error(second, false)) is { } zh
                ? new WalletError(400, code, zh, (filter.Error(first, true) ?? filter.Error(second, true))!) : null;
        return Given("kind") is { } kind && !kinds.Contains(kind) ? BadKind
            : Given("status") is { } status && !TransactionOutcomes.All.Contains(status) ? BadStatus
            : Given("sort") is { } sort && !TransactionFilter.Sorts.Contains(sort) ? BadSort
            : Field("INVALID_TRANSACTION_TIME", "from", "to") ?? Field("INVALID_TRANSACTION_AMOUNT", "min", "max");
    }
}
