namespace Zhifu.Server.Statements;

/// <summary>
/// 账单 — one wallet's statement, merged from every feature's <see cref="IStatementSource"/>. Each source gives its own
/// newest <c>limit + 1</c> lines after the cursor; the page is the newest <c>limit + 1</c> of them all, so nothing is lost or
/// repeated between pages, and the extra line only says whether there is a next page.
/// </summary>
public sealed class WalletStatements(IEnumerable<IStatementSource> sources)
{
    private readonly IStatementSource[] _sources = [.. sources];

    /// <summary>Every kind some source produces (what a kind filter may name).</summary>
    public IReadOnlySet<string> Kinds { get; } = sources.SelectMany(s => s.Kinds).ToHashSet(StringComparer.Ordinal);

    /// <summary>A page, newest first, and the cursor of the next page (null on the last).</summary>
    public async Task<(IReadOnlyList<StatementEntry> Entries, string? NextCursor)> ReadAsync(StatementQuery query,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var ask = query with { Limit = query.Limit + 1 };
        var pages = await Task.WhenAll(_sources.Select(s => s.ReadAsync(ask, cancellationToken)));
        // A source that strays outside the query (or repeats a line) must not break the keyset: keep only what the query admits.
        var merged = pages.SelectMany(p => p).Where(query.Admits).DistinctBy(e => e.RecordId).Order(StatementOrder.NewestFirst)
            .Take(query.Limit + 1).ToList();
        if (merged.Count <= query.Limit)
        {
            return (merged, null);
        }
        merged.RemoveAt(query.Limit);
        var last = merged[^1];
        return (merged, StatementCursor.Encode(last.At, last.RecordId));
    }

    /// <summary>The user's line explained by the record, or null (also for another user's record).</summary>
    public async Task<StatementEntry?> FindAsync(Guid userId, Guid recordId, CancellationToken cancellationToken)
    {
        foreach (var source in _sources)
        {
            if (await source.FindAsync(userId, recordId, cancellationToken) is { } entry)
            {
                return entry;
            }
        }
        return null;
    }
}
