namespace Zhifu.Core.Banking;

/// <summary>
/// What the platform knows about a request it sent to the bank channel.
/// CARD-4: a timeout or a transport error is <see cref="Unknown"/>, never <see cref="Failed"/>;
/// an unknown is resolved by query, retry with the same request id, or reversal — never by guessing.
/// </summary>
public enum BankOutcome
{
    /// <summary>The bank answered that the request was carried out.</summary>
    Succeeded,

    /// <summary>The bank answered that the request was refused; nothing happened at the bank.</summary>
    Failed,

    /// <summary>No definite answer: the request may or may not have been carried out.</summary>
    Unknown,
}
