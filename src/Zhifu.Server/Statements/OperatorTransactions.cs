using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Server.Accounts;
using Zhifu.Server.Lifecycle;
using Zhifu.Server.Security;

namespace Zhifu.Server.Statements;

/// <summary>
/// 交易查询 — every money movement on the platform for operators (SEC-2): the lines of all <see cref="ITransactionSource"/>s
/// as one query, filtered, sorted and paged in the database; the wallet shown by its masked phone (ACC-8); one record with
/// its history, linked records and ledger transfers. Reading people's financial history is audited, one entry per page
/// or record, as the statement API does.
/// </summary>
public sealed class OperatorTransactions(DatabaseOptions database, IEnumerable<ITransactionSource> sources, RecordTransfers transfers,
    WalletAccounts accounts, PersonalData personal, AuditLog audit)
{
    private const int RelatedMax = 100;
    private const int PostingsMax = 64;

    /// <summary>Rows one export (CSV or Excel) writes at most; the page says so when the filter holds more.</summary>
    public const int ExportRowsMax = 10_000;

    /// <summary>How far a list counts: one row past the deepest page anyone can open.</summary>
    public const int CountMax = TransactionFilter.OffsetMax + TransactionFilter.PageSizeMax + 1;

    /// <summary>Kinds in list order, with their names.</summary>
    public static readonly (string Kind, string Zh, string En)[] KindNames =
    [
        ("payment", "商户收款", "Merchant payment"), ("refund", "退款", "Refund"), ("transfer", "转账", "Transfer"),
        ("transfer-to-card", "转账到银行卡", "Transfer to card"), ("top-up", "充值", "Top-up"), ("withdrawal", "提现", "Withdrawal"),
    ];

    private readonly ITransactionSource[] _sources = [.. sources];

    /// <summary>A line as shown: the wallet masked.</summary>
    public sealed record Shown(TransactionLine Line, string? Wallet);

    public sealed record Page(IReadOnlyList<Shown> Rows, int Total);

    public sealed record Detail(Shown Line, TransactionHistory History, IReadOnlyList<Shown> Related,
        IReadOnlyList<RecordPosting> Postings);

    public IReadOnlyCollection<string> Kinds => [.. _sources.SelectMany(s => s.Kinds)];

    public static string KindName(string kind, bool english) =>
        KindNames.FirstOrDefault(k => k.Kind == kind) is { Kind: not null } k ? (english ? k.En : k.Zh) : kind;

    public async Task<Page> PageAsync(TransactionFilter filter, OperatorActor by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(by);
        await using var db = database.CreateContext();
        var arms = Arms(db, filter.Kind).Select(arm => Filtered(arm, filter)).ToList();
        // Counted only so far as anyone can page (the list says "more than" beyond it), so a count never scans without end.
        var total = await arms.Aggregate(Queryable.Concat).Take(CountMax).CountAsync(ct);
        var page = await SliceAsync(arms, filter.Sort, (filter.PageNumber - 1) * filter.PageSize, filter.PageSize, ct);
        await audit.AppendAsync(by.Username, by.Role, "transactions.list", "", $"{page.Count} of {total}; {filter.QueryString()}");
        return new Page(await ShowAsync(page, ct), total);
    }

    /// <summary>
    /// The filter's first <see cref="ExportRowsMax"/> lines in its order (the page's paging aside), shown as on the page —
    /// wallets masked — for a CSV or Excel export; audited like a page (<c>transactions.export</c>, the format and filter).
    /// </summary>
    public async Task<IReadOnlyList<Shown>> ExportAsync(TransactionFilter filter, string format, OperatorActor by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(by);
        await using var db = database.CreateContext();
        var arms = Arms(db, filter.Kind).Select(arm => Filtered(arm, filter)).ToList();
        var rows = await SliceAsync(arms, filter.Sort, 0, ExportRowsMax, ct);
        await audit.AppendAsync(by.Username, by.Role, "transactions.export", format,
            $"{rows.Count} rows{(rows.Count == ExportRowsMax ? " (the cap)" : "")}; {filter.QueryString(("size", null))}");
        return await ShowAsync(rows, ct);
    }

    // Each source sorts and cuts its own rows to what the slice can need before the union is sorted: no full sort of every
    // record on the platform for one page.
    private static Task<List<TransactionLine>> SliceAsync(List<IQueryable<TransactionLine>> arms, string sort, int skip, int take,
        CancellationToken ct) =>
        Sorted(arms.Select(arm => Sorted(arm, sort).Take(skip + take)).Aggregate(Queryable.Concat), sort).Skip(skip).Take(take)
            .ToListAsync(ct);

    /// <summary>One record with its history, linked records and ledger transfers, or null when no source holds it.</summary>
    public async Task<Detail?> FindAsync(Guid id, OperatorActor by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(by);
        await using var db = database.CreateContext();
        var line = await AllLines(db, null).Where(l => l.Id == id).FirstOrDefaultAsync(ct);
        if (line is null || _sources.FirstOrDefault(s => s.Kinds.Contains(line.Kind)) is not { } source
            || await source.HistoryAsync(db, id, ct) is not { } history)
        {
            return null;
        }
        var relatedIds = history.Related.Take(RelatedMax).ToList();
        var related = relatedIds.Count == 0 ? []
            : await AllLines(db, null).Where(l => relatedIds.Contains(l.Id)).OrderBy(l => l.At).ToListAsync(ct);
        var postings = await transfers.AllOfAsync([id, .. relatedIds], PostingsMax, ct);
        await audit.AppendAsync(by.Username, by.Role, "transactions.view", id.ToString(), line.Kind);
        var shown = await ShowAsync([line, .. related], ct);
        return new Detail(shown[0], history, shown.Skip(1).ToList(), postings);
    }

    private IEnumerable<IQueryable<TransactionLine>> Arms(ZhifuDb db, string? kind) =>
        _sources.Where(s => kind is null || s.Kinds.Contains(kind)).Select(s => s.Lines(db));

    private IQueryable<TransactionLine> AllLines(ZhifuDb db, string? kind) => Arms(db, kind).Aggregate(Queryable.Concat);

    private static IOrderedQueryable<TransactionLine> Sorted(IQueryable<TransactionLine> lines, string sort) => sort switch
    {
        "old" => lines.OrderBy(l => l.At).ThenBy(l => l.Id),
        "amount" => lines.OrderByDescending(l => l.AmountFen).ThenByDescending(l => l.At).ThenByDescending(l => l.Id),
        "amount-asc" => lines.OrderBy(l => l.AmountFen).ThenByDescending(l => l.At).ThenByDescending(l => l.Id),
        _ => lines.OrderByDescending(l => l.At).ThenByDescending(l => l.Id),
    };

    private static IQueryable<TransactionLine> Filtered(IQueryable<TransactionLine> q, TransactionFilter f)
    {
        q = f.Kind is { } kind ? q.Where(l => l.Kind == kind) : q;
        q = f.Status is { } status ? q.Where(l => l.Outcome == status) : q;
        q = f.FromUtc is { } from ? q.Where(l => l.At >= from) : q;
        q = f.ToUtc is { } to ? q.Where(l => l.At < to) : q;
        q = f.MinFen is { } min ? q.Where(l => l.AmountFen >= min) : q;
        q = f.MaxFen is { } max ? q.Where(l => l.AmountFen <= max) : q;
        q = f.MchId is { } mchId ? q.Where(l => l.MchId == mchId) : q;
        if (f.Number is { } number)
        {
            q = Guid.TryParse(number, out var id) ? q.Where(l => l.Id == id)
                : q.Where(l => l.Number == number || l.MerchantNumber == number);
        }
        return q;
    }

    /// <summary>The lines with their wallets' phones masked (the wallets read 500 to a query).</summary>
    private async Task<List<Shown>> ShowAsync(IReadOnlyList<TransactionLine> lines, CancellationToken ct)
    {
        var users = await accounts.FindManyAsync(lines.Select(l => l.UserId).OfType<Guid>(), ct);
        var phones = new Dictionary<Guid, string>();
        foreach (var userId in lines.Select(l => l.UserId).OfType<Guid>().Distinct())
        {
            phones[userId] = users.GetValueOrDefault(userId) is not { } user ? "—"
                : user.Status == WalletAccounts.StatusClosed || user.PhoneIndex is null ? "（已注销或解绑）"
                : PersonalDataMask.Phone(personal.Unprotect(user.PhoneCipher, PersonalData.Phone));
        }
        return [.. lines.Select(l => new Shown(l, l.UserId is { } u ? phones[u] : null))];
    }
}
