namespace Zhifu.Core.Banking;

/// <summary>The bank's record of an earlier debit or credit.</summary>
/// <param name="Status">What the bank holds; <see cref="BankTransactionStatus.Unknown"/> when the query got no answer.</param>
/// <param name="BankTxnId">The bank's transaction id, when it has a record.</param>
/// <param name="Direction">Debit or credit, when it has a record.</param>
/// <param name="AmountFen">The amount in fen, when it has a record.</param>
/// <param name="Code">For a failed movement, why it failed; for an unknown, why the query got no answer.</param>
public sealed record BankQueryResult(
    BankTransactionStatus Status, string? BankTxnId, BankDirection? Direction, long? AmountFen, string? Code);
