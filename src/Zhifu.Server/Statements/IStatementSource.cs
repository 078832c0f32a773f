namespace Zhifu.Server.Statements;

/// <summary>
/// 账单明细 — one line of a wallet's statement. Every line is a business record (a top-up, a transfer, a payment …) of the
/// feature that owns it, so each entry is explained by that record and the ledger transfers it names.
/// </summary>
/// <param name="RecordId">The business record's id (what the ledger transfers' business_id names).</param>
/// <param name="At">When the record was created (the statement's order; shown in Asia/Shanghai).</param>
/// <param name="Kind">Stable kind: <c>top-up</c>, <c>withdrawal</c>, <c>transfer-out</c>, <c>transfer-in</c> ….</param>
/// <param name="AmountFen">Signed: positive is money into the wallet, negative is money out.</param>
/// <param name="Status">The record's own status word (<c>succeeded</c>, <c>pending</c>, <c>failed</c> …).</param>
/// <param name="Title">简体中文 line title (e.g. 充值-工商银行(1234)).</param>
/// <param name="TitleEn">The English line title.</param>
/// <param name="Counterparty">The other party, already masked (ACC-8), or null.</param>
public sealed record StatementEntry(
    Guid RecordId, DateTimeOffset At, string Kind, long AmountFen, string Status, string Title, string TitleEn, string? Counterparty)
{
    /// <summary>
    /// Other business records whose ledger transfers are part of this line (e.g. the fund movement through which a transfer to
    /// a card leaves by the bank): the line's detail lists their transfers with the line's own. Empty for most lines.
    /// </summary>
    public IReadOnlyList<Guid> AlsoExplainedBy { get; init; } = [];
}

/// <summary>
/// A page request for one wallet's statement: entries strictly older than the cursor (<paramref name="Before"/>,
/// <paramref name="BeforeId"/>), newest first, inside the optional time range, at most <paramref name="Limit"/>.
/// </summary>
/// <remarks>
/// Precisely (<see cref="StatementOrder.Admits"/>): <c>From &lt;= At &lt; To</c>; <c>Kind</c> in <paramref name="Kinds"/>
/// when given; and <c>At &lt; Before</c>, or <c>At == Before</c> and <c>RecordId &lt; BeforeId</c> in byte order — in EF:
/// <c>r.CreatedAt &lt; before || (r.CreatedAt == before &amp;&amp; r.Id.CompareTo(beforeId) &lt; 0)</c>, ordered by
/// <c>CreatedAt</c> then <c>Id</c>, both descending. Every instant is UTC.
/// </remarks>
public sealed record StatementQuery(
    Guid UserId, DateTimeOffset? From, DateTimeOffset? To, IReadOnlySet<string>? Kinds, DateTimeOffset? Before, Guid? BeforeId, int Limit);

/// <summary>
/// A feature's contribution to wallet statements: it reads its own records for one user. Features register one with
/// <c>services.AddSingleton&lt;IStatementSource, …&gt;()</c>; the statement service merges them, so no feature reads
/// another's tables.
/// </summary>
public interface IStatementSource
{
    /// <summary>The kinds this source produces (for filter validation).</summary>
    IReadOnlyCollection<string> Kinds { get; }

    /// <summary>Up to <see cref="StatementQuery.Limit"/> entries of the query, newest first (At desc, RecordId desc).</summary>
    Task<IReadOnlyList<StatementEntry>> ReadAsync(StatementQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// The one entry of this user explained by <paramref name="recordId"/>, or null (also for another user's record). The
    /// default pages through <see cref="ReadAsync"/> (at most <see cref="FindScanMax"/> entries); a source whose records
    /// can be found by id should override it with a direct lookup.
    /// </summary>
    async Task<StatementEntry?> FindAsync(Guid userId, Guid recordId, CancellationToken cancellationToken)
    {
        DateTimeOffset? before = null;
        Guid? beforeId = null;
        for (var seen = 0; seen < FindScanMax;)
        {
            var page = await ReadAsync(new StatementQuery(userId, null, null, null, before, beforeId, FindPageSize), cancellationToken);
            if (page.FirstOrDefault(e => e.RecordId == recordId) is { } found)
            {
                return found;
            }
            if (page.Count < FindPageSize)
            {
                return null;
            }
            (before, beforeId, seen) = (page[^1].At, page[^1].RecordId, seen + page.Count);
        }
        return null;
    }

    /// <summary>The page size of the default <see cref="FindAsync"/>.</summary>
    const int FindPageSize = 100;

    /// <summary>How far back the default <see cref="FindAsync"/> looks.</summary>
    const int FindScanMax = 10_000;
}
