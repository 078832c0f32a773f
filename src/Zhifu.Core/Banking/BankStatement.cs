namespace Zhifu.Core.Banking;

/// <summary>One bank's statement (对账单) for one day in China time, the channel side of reconciliation (SET-4).</summary>
/// <param name="Bank">The bank code.</param>
/// <param name="Day">The calendar day in Asia/Shanghai.</param>
/// <param name="Lines">One line per debit or credit the bank recorded that day.</param>
public sealed record BankStatement(string Bank, DateOnly Day, IReadOnlyList<BankStatementLine> Lines);

/// <summary>One movement on a bank statement.</summary>
/// <param name="BankTxnId">The bank's transaction id.</param>
/// <param name="RequestId">The platform's request id, the key to match on.</param>
/// <param name="Card">The masked card number (first six and last four digits).</param>
/// <param name="Direction">Debit or credit.</param>
/// <param name="AmountFen">The amount in fen.</param>
/// <param name="Status">Succeeded, Failed or Reversed.</param>
/// <param name="Time">When the bank recorded it, with the +08:00 offset.</param>
public sealed record BankStatementLine(
    string BankTxnId, string RequestId, string Card, BankDirection Direction, long AmountFen, BankTransactionStatus Status,
    DateTimeOffset Time);

/// <summary>The answer to a statement download.</summary>
/// <param name="Outcome">Succeeded with the statement, Failed (refused as invalid) or Unknown (no answer; ask again).</param>
/// <param name="Statement">The statement, when the outcome is Succeeded.</param>
/// <param name="Code">Why there is no statement (see <see cref="BankErrorCodes"/>).</param>
/// <param name="Message">A human-readable explanation, if any.</param>
public sealed record BankStatementResult(BankOutcome Outcome, BankStatement? Statement, string? Code, string? Message);
