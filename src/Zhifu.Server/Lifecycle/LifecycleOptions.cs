namespace Zhifu.Server.Lifecycle;

/// <summary>The regulatory numbers of the account lifecycle (section <c>Regulation</c>); defaults follow domain.md.</summary>
public sealed record LifecycleRegulation
{
    /// <summary>ACC-4: a wallet with no transaction this many months after opening is suspended until re-verified.</summary>
    public int DormancyMonths { get; init; } = 6;

    /// <summary>ACC-5: years of suspended non-counter business for a person who traded accounts or used a false identity.</summary>
    public int InvolvedNonCounterSuspensionYears { get; init; } = 5;

    /// <summary>ACC-5: years of refusing new accounts to such a person.</summary>
    public int InvolvedOpeningRefusalYears { get; init; } = 3;
}

/// <summary>How the lifecycle feature runs (section <c>Lifecycle</c>).</summary>
public sealed record LifecycleOptions
{
    /// <summary>Minutes between two dormancy scans.</summary>
    public int DormancyScanMinutes { get; init; } = 60;

    /// <summary>Wallets suspended per database round trip of a scan.</summary>
    public int DormancyScanBatchSize { get; init; } = 500;

    /// <summary>External sources (bank codes) asked, in order, when a dormant real-name wallet re-verifies (ACC-4).</summary>
    public IReadOnlyList<string>? IdentitySources { get; init; }

    /// <summary>The sources to ask: the configured ones, or every demo bank.</summary>
    public IReadOnlyList<string> Sources => IdentitySources is { Count: > 0 } s ? s : ["ICBC", "CCB", "ABC", "BOC", "CMB"];

    /// <summary>How far in the future a carrier event's time may lie (clock skew between the carrier and us).</summary>
    public int CarrierClockSkewMinutes { get; init; } = 5;
}
