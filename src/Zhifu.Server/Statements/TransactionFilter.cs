using System.Globalization;
using Zhifu.Core;

namespace Zhifu.Server.Statements;

/// <summary>
/// The operators' transaction list filter, read from a query string (kind, status, from, to, min, max, mchid, q, sort, size,
/// page) and checked field by field: a bad field is reported next to itself and left out of the query, never guessed at.
/// Dates are China days (as the wallet statement reads them); amounts are yuan.
/// </summary>
public sealed class TransactionFilter
{
    public const int PageSizeDefault = 20;
    public const int PageSizeMax = 100;

    /// <summary>How deep offset paging may go (rows skipped): beyond it, narrow the filter.</summary>
    public const int OffsetMax = 10_000;

    private const int TextMax = 64;
    private const long AmountFenMax = 100_000_000_000;

    public static readonly string[] Names = ["kind", "status", "from", "to", "min", "max", "mchid", "q", "sort", "size"];
    public static readonly string[] Sorts = ["new", "old", "amount", "amount-asc"];

    private readonly Dictionary<string, string> _given;
    private readonly Dictionary<string, (string Zh, string En)> _errors = [];

    private TransactionFilter(Dictionary<string, string> given, int page)
    {
        _given = given;
        Kind = Text("kind");
        Status = TransactionOutcomes.All.Contains(Text("status")) ? Text("status") : null;
        Sort = Sorts.Contains(Text("sort")) ? Text("sort")! : "new";
        MchId = Text("mchid");
        Number = Text("q");
        var size = int.TryParse(Text("size"), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : PageSizeDefault;
        PageSize = Math.Clamp(size, 1, PageSizeMax);
        PageNumber = Math.Clamp(page, 1, OffsetMax / PageSize + 1);
        (FromUtc, ToUtc) = (Day("from", endOfDay: false), Day("to", endOfDay: true));
        if (FromUtc >= ToUtc)
        {
            _errors["to"] = ("结束日期早于开始日期", "The end date is before the start date");
            (FromUtc, ToUtc) = (null, null);
        }
        (MinFen, MaxFen) = (Yuan("min"), Yuan("max"));
        if (MinFen > MaxFen)
        {
            _errors["max"] = ("最高金额小于最低金额", "The highest amount is below the lowest");
            (MinFen, MaxFen) = (null, null);
        }
    }

    public string? Kind { get; }
    public string? Status { get; }
    public string Sort { get; }
    public string? MchId { get; }
    public string? Number { get; }
    public int PageSize { get; }
    public int PageNumber { get; }
    public DateTimeOffset? FromUtc { get; }
    public DateTimeOffset? ToUtc { get; }
    public long? MinFen { get; }
    public long? MaxFen { get; }

    /// <summary>The filter of a query string; <paramref name="knownKinds"/> are the kinds the sources carry.</summary>
    public static TransactionFilter Of(IQueryCollection query, IReadOnlyCollection<string> knownKinds)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(knownKinds);
        var given = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in Names)
        {
            if (query[name].FirstOrDefault()?.Trim() is { Length: > 0 and <= TextMax } value
                && (name != "kind" || knownKinds.Contains(value)))
            {
                given[name] = value;
            }
        }
        var page = int.TryParse(query["page"].FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 1;
        return new TransactionFilter(given, page);
    }

    /// <summary>What was typed into a field (to show it again), or null.</summary>
    public string? Text(string name) => _given.GetValueOrDefault(name);

    /// <summary>The problem with a field, in the reader's language, or null.</summary>
    public string? Error(string name, bool english) => _errors.TryGetValue(name, out var e) ? (english ? e.En : e.Zh) : null;

    /// <summary>The filter as a query string for links (paging, sorting), with <paramref name="changes"/> applied.</summary>
    public string QueryString(params (string Name, string? Value)[] changes)
    {
        var values = new Dictionary<string, string?>(_given.Select(kv => KeyValuePair.Create(kv.Key, (string?)kv.Value)),
            StringComparer.Ordinal);
        foreach (var (name, value) in changes)
        {
            values[name] = value;
        }
        return string.Join('&', values.Where(kv => !string.IsNullOrEmpty(kv.Value))
            .Select(kv => kv.Key + "=" + Uri.EscapeDataString(kv.Value!)));
    }

    private DateTimeOffset? Day(string name, bool endOfDay)
    {
        if (Text(name) is not { } text)
        {
            return null;
        }
        var (at, ok) = StatementRequest.Instant(text, endOfDay);
        if (!ok)
        {
            _errors[name] = ("日期格式须为 年-月-日", "Dates are yyyy-mm-dd");
        }
        return at;
    }

    private long? Yuan(string name)
    {
        if (Text(name) is not { } text)
        {
            return null;
        }
        if (Money.TryParseYuan(text, out var money) && money.Fen is >= 0 and <= AmountFenMax)
        {
            return money.Fen;
        }
        _errors[name] = ("金额须为元，最多两位小数，如 12.50", "Amounts are yuan with at most two decimals, e.g. 12.50");
        return null;
    }
}
