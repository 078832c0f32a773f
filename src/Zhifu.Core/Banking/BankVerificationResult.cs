namespace Zhifu.Core.Banking;

/// <summary>The answer to an identity or card verification.</summary>
/// <param name="Outcome"><see cref="BankOutcome.Succeeded"/> when the bank answered (match or not),
/// <see cref="BankOutcome.Failed"/> when it refused the request as invalid, <see cref="BankOutcome.Unknown"/> when
/// no answer came.</param>
/// <param name="Matched">True only when the bank answered and every fact matched.</param>
/// <param name="CardType">For a matched card verification, the card's type; otherwise null.</param>
/// <param name="Code">Why it did not match or was refused (see <see cref="BankErrorCodes"/>); null on a match.</param>
/// <param name="Message">A human-readable explanation, if any.</param>
public sealed record BankVerificationResult(BankOutcome Outcome, bool Matched, BankCardType? CardType, string? Code, string? Message);
