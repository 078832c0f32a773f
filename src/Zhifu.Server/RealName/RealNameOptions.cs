using System.Text.RegularExpressions;

namespace Zhifu.Server.RealName;

/// <summary>Real-name verification settings (section <c>RealName</c>).</summary>
public sealed partial record RealNameOptions
{
    /// <summary>The bank simulator's banks: each bank code is one external source (ACC-2).</summary>
    public static readonly IReadOnlyList<string> DefaultSources = ["ICBC", "CCB", "ABC", "BOC", "CMB"];

    /// <summary>The external sources asked, as bank codes; empty means <see cref="DefaultSources"/>.</summary>
    public string[]? Sources { get; init; }

    /// <summary>Verification requests one wallet may make per rolling day (no identity oracle for strangers' ID numbers).</summary>
    public int AttemptsPerDayMax { get; init; } = 5;

    /// <summary>The sources in force.</summary>
    public IReadOnlyList<string> SourceList => Sources is { Length: > 0 } s ? s : DefaultSources;

    /// <summary>Null when usable; otherwise what is wrong.</summary>
    public string? Problem() =>
        SourceList.Count > 20 ? "RealName:Sources holds at most 20 bank codes"
        : SourceList.Any(s => !BankPattern().IsMatch(s)) ? "RealName:Sources must be bank codes of 2-10 capital letters"
        : SourceList.Distinct(StringComparer.Ordinal).Count() != SourceList.Count ? "RealName:Sources must not repeat a bank"
        : AttemptsPerDayMax is < 1 or > 100 ? "RealName:AttemptsPerDayMax must be 1..100"
        : null;

    [GeneratedRegex("^[A-Z]{2,10}\\z")]
    private static partial Regex BankPattern();
}

/// <summary>The regulatory numbers of account classes (section <c>Regulation</c>, ACC-2); defaults follow domain.md.</summary>
public sealed record AccountClassRegulation
{
    /// <summary>Class Ⅰ: ¥1,000 of balance payments and transfers out since opening, own-card transfers included.</summary>
    public long ClassOneLimitFen { get; init; } = 100_000;

    /// <summary>Class Ⅱ: ¥100,000 per calendar year (Asia/Shanghai), withdrawals to the holder's own card excluded.</summary>
    public long ClassTwoLimitFen { get; init; } = 10_000_000;

    /// <summary>Class Ⅲ: ¥200,000 per calendar year, withdrawals to the holder's own card excluded.</summary>
    public long ClassThreeLimitFen { get; init; } = 20_000_000;

    /// <summary>Non-face-to-face sources needed for Class Ⅱ.</summary>
    public int ClassTwoSourcesMin { get; init; } = 3;

    /// <summary>Non-face-to-face sources needed for Class Ⅲ.</summary>
    public int ClassThreeSourcesMin { get; init; } = 5;

    /// <summary>Null when usable; otherwise what is wrong.</summary>
    public string? Problem() =>
        ClassOneLimitFen <= 0 || ClassTwoLimitFen <= 0 || ClassThreeLimitFen <= 0 ? "Regulation: class limits must be positive fen"
        : Math.Max(ClassOneLimitFen, Math.Max(ClassTwoLimitFen, ClassThreeLimitFen)) > 1_000_000_000_000
            ? "Regulation: class limit too large"
        : ClassTwoSourcesMin < 2 || ClassThreeSourcesMin < ClassTwoSourcesMin
            ? "Regulation: need 2 <= ClassTwoSourcesMin <= ClassThreeSourcesMin"
        : null;
}
