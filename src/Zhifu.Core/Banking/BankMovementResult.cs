namespace Zhifu.Core.Banking;

/// <summary>The bank's answer to a debit or credit.</summary>
/// <param name="Outcome">Succeeded, Failed (nothing moved) or Unknown (CARD-4: query before doing anything else).</param>
/// <param name="BankTxnId">The bank's own transaction id, when it answered.</param>
/// <param name="Code">Why it failed or is unknown (see <see cref="BankErrorCodes"/>); null on success.
/// <see cref="BankErrorCodes.RequestIdConflict"/> says nothing about the original request with that id.</param>
/// <param name="Message">A human-readable explanation, if any.</param>
public sealed record BankMovementResult(BankOutcome Outcome, string? BankTxnId, string? Code, string? Message);
