namespace Zhifu.Server.Passwordless;

/// <summary>
/// Settings of passwordless payment (section <c>Passwordless</c>, PWL-1 … PWL-7). domain.md names no figures for these, so
/// the defaults are prudent ones an institution would start from; every one is configuration.
/// </summary>
public sealed record PasswordlessOptions
{
    /// <summary>The version of the agreement text users sign; recorded on every agreement (PWL-1).</summary>
    public string TextVersion { get; init; } = "ZF-PWL-2026-01";

    /// <summary>How long a merchant's pre-sign session waits for the user, in minutes (the protocol: 10).</summary>
    public int PreSignMinutes { get; init; } = 10;

    /// <summary>Per-payment and daily limits when the merchant has none of its own, in fen (¥300 and ¥1,000).</summary>
    public long DefaultPerPaymentFen { get; init; } = 30_000;
    public long DefaultDailyFen { get; init; } = 100_000;

    /// <summary>
    /// TRF-3: all of a user's passwordless payments in a China day, whichever agreements, in fen (¥1,000: payments verified by
    /// fewer than two factors, PBOC 2015 No. 43). Beyond it a charge waits for the user's payment password.
    /// </summary>
    public long UserDailyFen { get; init; } = 100_000;

    /// <summary>PWL-2: from this age (by the ID number) the user is elderly.</summary>
    public int ElderlyAge { get; init; } = 60;

    /// <summary>PWL-2: an elderly user's limits never exceed these, in fen (¥100 and ¥300).</summary>
    public long ElderlyPerPaymentFen { get; init; } = 10_000;
    public long ElderlyDailyFen { get; init; } = 30_000;

    /// <summary>PWL-2: the risk-tolerance assessment must score at least this (of 3 questions, each 0 or 1).</summary>
    public int ElderlyAssessmentPassScore { get; init; } = 3;

    /// <summary>PWL-5: an operator must decide a complaint within this many days.</summary>
    public int DisputeDeadlineDays { get; init; } = 7;

    /// <summary>PWL-6: a merchant whose disputes per passwordless payment (in the window) reach this rate, in ppm (1 %),
    /// loses passwordless eligibility automatically, once it has at least <see cref="DisputeMinPayments"/> payments.</summary>
    public int DisputeRateThresholdPpm { get; init; } = 10_000;
    public int DisputeMinPayments { get; init; } = 20;
    public int DisputeWindowDays { get; init; } = 90;

    /// <summary>PWL-7: users are reminded to review an agreement this many days after signing or the last reminder.</summary>
    public int ReviewReminderDays { get; init; } = 90;

    /// <summary>Agreements and payments one list answers at most.</summary>
    public int ListMax { get; init; } = 100;
}
