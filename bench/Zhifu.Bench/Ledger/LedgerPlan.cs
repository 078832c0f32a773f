namespace Zhifu.Bench.Ledger;

/// <summary>How payments are spread over the accounts.</summary>
internal enum PaymentPattern
{
    /// <summary>Payer and payee are two random wallets among all funded wallets.</summary>
    Uniform,

    /// <summary>Every payment credits the same merchant account (a shop on Singles' Day).</summary>
    HotAccount,
}

/// <summary>One batched measurement: how many callers, how big their requests, how big the writer's batches.</summary>
/// <param name="Name">What the row is called in the results.</param>
/// <param name="Callers">Concurrent tasks, each waiting for its answer before sending the next request (closed loop).</param>
/// <param name="TransfersPerRequest">Transfers in one <c>SubmitAsync</c> call.</param>
/// <param name="BatchSizeMax">The writer's <c>BatchSizeMax</c>.</param>
internal sealed record BatchedShape(string Name, int Callers, int TransfersPerRequest, int BatchSizeMax)
{
    /// <summary>Transfers submitted and not yet answered when every caller waits: what the writer can batch from.</summary>
    public int InFlight => Callers * TransfersPerRequest;
}

/// <summary>Sizes of one <c>ledger</c> run. Full fits in about five minutes on the 2-core machine; quick in seconds.</summary>
internal sealed record LedgerPlan(
    bool Quick,
    int Wallets,
    long WalletFundingFen,
    TimeSpan Warmup,
    TimeSpan Measure,
    IReadOnlyList<BatchedShape> Shapes,
    int NaiveSqliteCallers,
    int NaivePostgresCallers,
    int ProbeBatches,
    TimeSpan QuietWaitMax,
    TimeSpan ExtrasBudget)
{
    /// <summary>One payment in this many is larger than any wallet could hold, so the overdraft rule must refuse it.</summary>
    public const int OverdraftEvery = 100;

    /// <summary>Shapes: many small requests (an API's traffic), then load matched to two batch sizes, then 1,000-transfer requests.
    /// For the two batch sizes the load is twice the batch (one batch commits while the next fills), so each row shows what
    /// that batch size can do and what it costs in latency (Little's law: latency = in flight ÷ throughput).</summary>
    public static LedgerPlan Full { get; } = new(
        Quick: false,
        Wallets: 10_000,
        WalletFundingFen: 10_000_000,
        Warmup: TimeSpan.FromSeconds(1),
        Measure: TimeSpan.FromSeconds(5),
        Shapes:
        [
            new("small requests", Callers: 256, TransfersPerRequest: 4, BatchSizeMax: 8_190),
            new("batch 1,000", Callers: 20, TransfersPerRequest: 100, BatchSizeMax: 1_000),
            new("batch 8,190", Callers: 164, TransfersPerRequest: 100, BatchSizeMax: 8_190),
            new("large requests", Callers: 16, TransfersPerRequest: 1_000, BatchSizeMax: 8_190),
        ],
        NaiveSqliteCallers: 1,
        NaivePostgresCallers: 16,
        ProbeBatches: 60,
        QuietWaitMax: TimeSpan.FromSeconds(3),
        ExtrasBudget: TimeSpan.FromSeconds(75));

    /// <summary>A smoke run for CI: every mode once, small and short (figures are not meaningful).</summary>
    public static LedgerPlan QuickRun { get; } = Full with
    {
        Quick = true,
        Wallets = 1_000,
        Warmup = TimeSpan.FromMilliseconds(200),
        Measure = TimeSpan.FromMilliseconds(700),
        Shapes =
        [
            new("small requests", Callers: 64, TransfersPerRequest: 4, BatchSizeMax: 8_190),
            new("large requests", Callers: 8, TransfersPerRequest: 1_000, BatchSizeMax: 8_190),
        ],
        NaivePostgresCallers = 8,
        ProbeBatches = 5,
        QuietWaitMax = TimeSpan.Zero,
        ExtrasBudget = TimeSpan.Zero,
    };
}
