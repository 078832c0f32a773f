namespace Zhifu.Server.Funds;

/// <summary>Limits and recovery pace of top-ups and withdrawals (section <c>Funds</c>).</summary>
public sealed record FundsOptions
{
    /// <summary>Largest single top-up (¥50,000).</summary>
    public long TopUpMaxFen { get; init; } = 5_000_000;

    /// <summary>Largest single withdrawal (¥50,000).</summary>
    public long WithdrawalMaxFen { get; init; } = 5_000_000;

    /// <summary>How old an unresolved movement must be before the recovery worker asks the bank about it.</summary>
    public int ResolveAfterSeconds { get; init; } = 5;

    /// <summary>How often the recovery worker runs.</summary>
    public int RecoveryIntervalSeconds { get; init; } = 5;

    /// <summary>Most movements the worker settles per run.</summary>
    public int RecoveryBatchMax { get; init; } = 100;

    /// <summary>Resends of a request the bank says it never received, before it is reversed (which bars a late original).</summary>
    public int ResendsMax { get; init; } = 2;

    /// <summary>
    /// How long one resolver's claim on a movement stands before another may take over (its process died): longer than two
    /// bank calls (the recovery's query, then its resend or reversal; checked against Bank:TimeoutMs at start).
    /// </summary>
    public int ClaimLapseSeconds { get; init; } = 180;
}

/// <summary>A bound card as a money movement needs it: the vault's number, never shown, only sent to the bank.</summary>
public sealed record BoundCard(string Token, Guid UserId, string Bank, string CardNumber, Core.Banking.BankCardType CardType, string Masked);

/// <summary>Finds a user's bound card by its token (the card vault).</summary>
public interface IBoundCards
{
    /// <summary>The card, or null when the token is not one of this user's bound cards.</summary>
    Task<BoundCard?> FindAsync(Guid userId, string token, CancellationToken cancellationToken);
}
