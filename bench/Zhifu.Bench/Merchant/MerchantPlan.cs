namespace Zhifu.Bench.Merchant;

/// <summary>
/// How long and how hard the merchant verb measures. Everything is bounded: callers, windows, payments per server (the demo
/// wallets' balances must cover them) and the in-flight payments of the paced run.
/// </summary>
internal sealed record MerchantPlan(
    bool Quick,
    int Callers,
    TimeSpan Warmup,
    TimeSpan Measure,
    TimeSpan FloorMeasure,
    TimeSpan PacedDurationMax,
    int PacedPaymentsMax,
    int PaymentsPerServerMax,
    TimeSpan QuietWaitMax,
    bool LoweredArgon2Row,
    TimeSpan JitSettleMax,
    TimeSpan LoneMeasure,
    int PeakRounds)
{
    /// <summary>Each payment is 1–10 fen (fee 0 at 0.6 %), so the demo wallets' ¥1,000 pay for thousands of them.</summary>
    public const long AmountFenMax = 10;

    /// <summary>A payment whose callback has not been verified after this long is a failure, not a slow success.</summary>
    public static readonly TimeSpan PaymentTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The paced run stops sending (and says so) when this many payments are still unfinished: the server is overloaded.</summary>
    public const int PacedInFlightMax = 512;

    /// <summary>The work factors the lowered-Argon2 extra row runs with (the tests' factors); never the main figures.</summary>
    public static readonly string[] LoweredArgon2Arguments = ["--Security:Argon2:MemoryKiB=1024", "--Security:Argon2:Iterations=1"];

    public static MerchantPlan Full { get; } = new(
        Quick: false, Callers: 8, Warmup: TimeSpan.FromSeconds(3), Measure: TimeSpan.FromSeconds(12), FloorMeasure: TimeSpan.FromSeconds(5),
        PacedDurationMax: TimeSpan.FromSeconds(20), PacedPaymentsMax: 2_000, PaymentsPerServerMax: 9_000,
        QuietWaitMax: TimeSpan.FromSeconds(15), LoweredArgon2Row: true,
        JitSettleMax: TimeSpan.FromSeconds(60), LoneMeasure: TimeSpan.FromSeconds(10), PeakRounds: 3);

    public static MerchantPlan QuickRun { get; } = new(
        Quick: true, Callers: 4, Warmup: TimeSpan.FromSeconds(1), Measure: TimeSpan.FromSeconds(4), FloorMeasure: TimeSpan.FromSeconds(1.5),
        PacedDurationMax: TimeSpan.FromSeconds(4), PacedPaymentsMax: 200, PaymentsPerServerMax: 2_000,
        QuietWaitMax: TimeSpan.FromSeconds(1), LoweredArgon2Row: true,
        JitSettleMax: TimeSpan.FromSeconds(10), LoneMeasure: TimeSpan.FromSeconds(2), PeakRounds: 1);
}
