namespace Zhifu.Server.Transfers;

/// <summary>The regulatory numbers of transfers (section <c>Regulation</c>, TRF-3); defaults follow domain.md.</summary>
public sealed record TransferRegulation
{
    /// <summary>TRF-3: beyond ¥50,000 a day of a person's non-counter transfers a second factor is required.</summary>
    public long StrongVerificationDailyFen { get; init; } = 5_000_000;

    /// <summary>TRF-3: above ¥300,000 a day for a person the holder explicitly confirms (large-transaction reminder).</summary>
    public long LargeConfirmationPersonDailyFen { get; init; } = 30_000_000;

    /// <summary>TRF-3: above ¥1,000,000 a day for an organization (enterprise wallets, ENT) the holder explicitly confirms.</summary>
    public long LargeConfirmationOrganizationDailyFen { get; init; } = 100_000_000;

    /// <summary>TRF-2: the delays a payer may choose for a transfer to another person, in hours (besides real time).</summary>
    public int[] DelayHours { get; init; } = [2, 24];

    /// <summary>Null when usable; otherwise what is wrong.</summary>
    public string? Problem() =>
        StrongVerificationDailyFen <= 0 || LargeConfirmationPersonDailyFen <= 0 || LargeConfirmationOrganizationDailyFen <= 0
            ? "Regulation: transfer thresholds must be positive fen"
        : DelayHours is not { Length: > 0 and <= 4 } || DelayHours.Any(h => h is < 1 or > 72) ? "Regulation:DelayHours must be 1..72 hours"
        : null;
}

/// <summary>The agreed limits of one credit level (PAY-7): what a wallet gets automatically at that level.</summary>
public sealed record CreditLevelLimits
{
    public int Level { get; init; }

    /// <summary>Account class at least (ACC-2).</summary>
    public int ClassMin { get; init; }

    /// <summary>Days since opening at least (history).</summary>
    public int AgeDaysMin { get; init; }

    /// <summary>Succeeded transfers out at least (history).</summary>
    public int TransfersMin { get; init; }

    public long SingleAmountFen { get; init; }
    public long DailyAmountFen { get; init; }
    public int DailyCount { get; init; }
    public long YearlyAmountFen { get; init; }
}

/// <summary>How transfers run (section <c>Transfers</c>).</summary>
public sealed record TransferOptions
{
    /// <summary>Credit levels, lowest first; a wallet gets the highest whose class, age and history it meets (PAY-7).</summary>
    public CreditLevelLimits[] CreditLevels { get; init; } =
    [
        new()
        {
            Level = 1, ClassMin = 0, SingleAmountFen = 500_000, DailyAmountFen = 2_000_000, DailyCount = 50, YearlyAmountFen = 20_000_000,
        },
        new()
        {
            Level = 2, ClassMin = 2, AgeDaysMin = 180, TransfersMin = 10,
            SingleAmountFen = 5_000_000, DailyAmountFen = 10_000_000, DailyCount = 100, YearlyAmountFen = 100_000_000,
        },
        new()
        {
            Level = 3, ClassMin = 3, AgeDaysMin = 365, TransfersMin = 50,
            SingleAmountFen = 50_000_000, DailyAmountFen = 100_000_000, DailyCount = 200, YearlyAmountFen = 500_000_000,
        },
    ];

    /// <summary>The largest amount an operator may agree for any limit (a bound on input).</summary>
    public long OperatorLimitMaxFen { get; init; } = 10_000_000_000;

    /// <summary>How long a large-amount confirmation token stays valid (TRF-3).</summary>
    public int ConfirmationSeconds { get; init; } = 600;

    /// <summary>How often the release worker looks for due delayed transfers (TRF-2); the due time itself comes from IClock.</summary>
    public int ReleaseIntervalMs { get; init; } = 1_000;

    /// <summary>How old a transfer still processing must be before the worker submits its request again (crash recovery).</summary>
    public int RecoverAfterSeconds { get; init; } = 30;

    /// <summary>Most transfers the worker settles per round.</summary>
    public int ReleaseBatchMax { get; init; } = 200;

    /// <summary>Null when usable; otherwise what is wrong.</summary>
    public string? Problem() =>
        CreditLevels is not { Length: > 0 and <= 10 } ? "Transfers:CreditLevels needs 1..10 levels"
        : CreditLevels.Any(l => l.SingleAmountFen <= 0 || l.DailyAmountFen <= 0 || l.DailyCount <= 0 || l.YearlyAmountFen <= 0)
            ? "Transfers:CreditLevels limits must be positive"
        : ConfirmationSeconds is < 30 or > 3600 ? "Transfers:ConfirmationSeconds must be 30..3600"
        : ReleaseIntervalMs is < 50 or > 60_000 ? "Transfers:ReleaseIntervalMs must be 50..60000"
        : ReleaseBatchMax is < 1 or > 10_000 ? "Transfers:ReleaseBatchMax must be 1..10000"
        : null;
}
