namespace Zhifu.Core.Banking;

/// <summary>A reversal (冲正) of an earlier debit or credit.</summary>
/// <param name="RequestId">The request id of the original movement.</param>
/// <param name="ReversalId">This reversal's own idempotency key (same rules as a request id).</param>
public sealed record BankReversalRequest(string RequestId, string ReversalId);
