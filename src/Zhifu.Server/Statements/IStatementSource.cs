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
    Guid RecordId, DateTimeOffset At, string Kind, long AmountFen, string Status, string Title, string TitleEn, string? Counterparty);

/// <summary>
/// A page request for one wallet's statement: entries strictly older than the cursor (<paramref name="Before"/>,
/// <paramref name="BeforeId"/>), newest first, inside the optional time range, at most <paramref name="Limit"/>.
/// </summary>
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
}
