using Zhifu.Data;

namespace Zhifu.Server.Statements;

/// <summary>
/// 交易流水 — one money movement as operators list it across all wallets and merchants: a merchant payment, a refund, a
/// transfer, a top-up or a withdrawal. Each feature projects its own records into this shape (<see cref="ITransactionSource"/>),
/// so the operator list is one SQL query (UNION ALL) that filters, sorts and pages on the server.
/// </summary>
/// <remarks>A class with setters, not a record: EF translates the same member-init projection on every side of a set
/// operation. Every source must set every member, in this order.</remarks>
public sealed class TransactionLine
{
    /// <summary>The business record's id (what its ledger transfers' business_id names).</summary>
    public Guid Id { get; set; }

    /// <summary><c>payment</c>, <c>refund</c>, <c>transfer</c>, <c>transfer-to-card</c>, <c>top-up</c> or <c>withdrawal</c>.</summary>
    public string Kind { get; set; } = "";

    /// <summary>The platform's number where the protocol has one (transaction_id, refund_id) or the bank's; else null.</summary>
    public string? Number { get; set; }

    /// <summary>The merchant's own number (out_trade_no, out_refund_no), or null.</summary>
    public string? MerchantNumber { get; set; }

    public string? MchId { get; set; }

    /// <summary>The wallet the money left or entered (the payer of a payment, the holder of a top-up); masked when shown.</summary>
    public Guid? UserId { get; set; }

    /// <summary>The other side, already masked (ACC-8): the merchant's name, the payee's masked phone, the masked card.</summary>
    public string? Counterparty { get; set; }

    public long AmountFen { get; set; }

    /// <summary>The record's own status word (the protocol's trade_state, a transfer's status …).</summary>
    public string Status { get; set; } = "";

    /// <summary>One of <see cref="TransactionOutcomes"/>: whether the money moved, is still moving, or never will.</summary>
    public string Outcome { get; set; } = "";

    /// <summary>When the record was created (UTC; shown in Asia/Shanghai).</summary>
    public DateTimeOffset At { get; set; }
}

/// <summary>The outcome every kind maps its own statuses to, so one filter serves all kinds.</summary>
public static class TransactionOutcomes
{
    public const string Succeeded = "succeeded";
    public const string Processing = "processing";
    public const string Failed = "failed";

    public static readonly string[] All = [Succeeded, Processing, Failed];
}

/// <summary>One step of a record's history: what happened when.</summary>
public sealed record TransactionStep(DateTimeOffset At, string Zh, string En);

/// <summary>Building a history: a step only when it happened.</summary>
public static class TransactionSteps
{
    public static void AddIf(this List<TransactionStep> steps, DateTimeOffset? at, string zh, string en)
    {
        ArgumentNullException.ThrowIfNull(steps);
        if (at is { } when)
        {
            steps.Add(new TransactionStep(when, zh, en));
        }
    }
}

/// <summary>A fact about a record worth showing beside its line (trade type, arrival, failure reason …), never personal data.</summary>
public sealed record TransactionFact(string Zh, string En, string Value);

/// <summary>
/// What explains one record beyond its line: its history, the records linked to it (an order's refunds, a refund's order,
/// the fund movement that carries a transfer to the bank), whose ledger transfers belong to it too.
/// </summary>
public sealed record TransactionHistory(IReadOnlyList<TransactionStep> Steps, IReadOnlyList<TransactionFact> Facts,
    IReadOnlyList<Guid> Related);

/// <summary>
/// A feature's contribution to the operators' transaction list. Features register one with
/// <c>services.AddSingleton&lt;ITransactionSource, …&gt;()</c>; <see cref="OperatorTransactions"/> unions them, so no feature
/// reads another's tables.
/// </summary>
public interface ITransactionSource
{
    /// <summary>The kinds this source's lines carry.</summary>
    IReadOnlyCollection<string> Kinds { get; }

    /// <summary>Every record of this source as a line, unfiltered and unordered (a query: nothing is read yet).</summary>
    IQueryable<TransactionLine> Lines(ZhifuDb db);

    /// <summary>The history of one of this source's records, or null when it holds no such record.</summary>
    Task<TransactionHistory?> HistoryAsync(ZhifuDb db, Guid id, CancellationToken cancellationToken);
}
