namespace Zhifu.Core.Banking;

/// <summary>The bank's answer to a reversal.</summary>
/// <param name="Outcome">Succeeded: the original is reversed now, was already reversed, or never arrived and is barred from
/// moving money later. Failed: the original cannot be reversed (it failed, or reversing a credit found too little money).
/// Unknown: no definite answer; send the same reversal again.</param>
/// <param name="Code">The detail (see <see cref="BankErrorCodes"/>), e.g. <see cref="BankErrorCodes.AlreadyReversed"/>.</param>
/// <param name="Message">A human-readable explanation, if any.</param>
public sealed record BankReversalResult(BankOutcome Outcome, string? Code, string? Message);
