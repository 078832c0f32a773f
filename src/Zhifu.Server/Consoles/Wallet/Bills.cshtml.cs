using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Zhifu.Server.Statements;

namespace Zhifu.Server.Consoles.Wallet;

/// <summary>
/// 账单: the holder's statement (ACC-6: readable even when frozen), filtered by month and kind, a page at a time — the
/// Wallet API's own query rules (<see cref="StatementRequest"/>) and sources (<see cref="WalletStatements"/>).
/// </summary>
public sealed class BillsModel(WalletStatements statements) : WalletPage
{
    public const int PageSize = 10;

    [BindProperty(SupportsGet = true)]
    public string? Month { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Kind { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Cursor { get; set; }

    /// <summary>
    /// The cursors of the pages before this one, oldest first, joined by '.' ("~" is the first page): the statement cursor runs
    /// one way, so the way back travels in the link.
    /// </summary>
    [BindProperty(SupportsGet = true)]
    public string? Prev { get; set; }

    private const int BackMax = 40;
    private const string FirstPage = "~";

    public IReadOnlyList<StatementEntry> Entries { get; private set; } = [];
    public string? NextCursor { get; private set; }
    public IReadOnlyList<string> Kinds { get; private set; } = [];
    public string? MonthError { get; private set; }
    public string? Error { get; private set; }

    public async Task OnGetAsync()
    {
        Kinds = [.. statements.Kinds.Order(StringComparer.Ordinal)];
        string? from = null, to = null;
        if (!string.IsNullOrEmpty(Month))
        {
            if (DateOnly.TryParseExact(Month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first)
                && first.Year is >= 2000 and <= 9000) // a month the statement can take (and one more month never overflows)
            {
                from = first.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                to = first.AddMonths(1).AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture); // a day is inclusive
            }
            else
            {
                MonthError = T("月份格式应为 2026-05", "A month looks like 2026-05");
                return;
            }
        }
        var (query, error) = StatementRequest.Parse(UserId, from, to, string.IsNullOrEmpty(Kind) ? null : [Kind], Cursor,
            PageSize.ToString(CultureInfo.InvariantCulture), statements.Kinds);
        if (error is not null)
        {
            Error = Say(error);
            return;
        }
        (Entries, NextCursor) = await statements.ReadAsync(query!, Aborted);
    }

    private IReadOnlyList<string> Back => Prev is { Length: > 0 and <= 2048 } p
        && p.Split('.') is var parts && parts.All(c => c == FirstPage || StatementCursor.Decode(c) is not null) ? parts : [];

    public bool HasPrevious => Back.Count > 0;

    /// <summary>The next page: this page's cursor joins the way back.</summary>
    public string NextLink(string next) => Link(next, [.. Back.TakeLast(BackMax - 1), Cursor ?? FirstPage]);

    /// <summary>The page before: the last cursor on the way back.</summary>
    public string PreviousLink()
    {
        var back = Back;
        var previous = back[^1];
        return Link(previous == FirstPage ? null : previous, back.Take(back.Count - 1));
    }

    public string FirstLink() => Link(null, []);

    private string Link(string? cursor, IEnumerable<string> back) =>
        "/wallet/bills?" + string.Join("&", new[] { ("month", Month), ("kind", Kind), ("cursor", cursor), ("prev", string.Join('.', back)) }
            .Where(p => !string.IsNullOrEmpty(p.Item2)).Select(p => p.Item1 + "=" + Uri.EscapeDataString(p.Item2!)));
}
