using Zhifu.Bench.Ledger;
using Zhifu.Bench.Measuring;

namespace Zhifu.Bench.Results;

/// <summary>How one measurement loaded the ledger.</summary>
internal enum LedgerMode
{
    /// <summary>Through <c>LedgerWriter</c>: one writer, group commit.</summary>
    Batched,

    /// <summary>One database transaction per transfer with plain ADO.NET commands.</summary>
    Naive,
}

/// <summary>Throughput and request latency seen by the callers inside the measured window.</summary>
internal sealed record Throughput(
    double TransfersPerSecond, double P50Ms, double P99Ms, double MaxMs, long Requests, long Applied, long Refused)
{
    public static Throughput Of(IReadOnlyList<CallerTally> tallies, RunWindow window)
    {
        var latencies = Percentiles.SortedMilliseconds(tallies.SelectMany(t => t.LatencyTicks));
        return new Throughput(
            tallies.Sum(t => t.Answered) / window.Measure.TotalSeconds,
            Percentiles.Of(latencies, 0.50),
            Percentiles.Of(latencies, 0.99),
            latencies.Length == 0 ? 0 : latencies[^1],
            latencies.Length,
            tallies.Sum(t => t.Applied),
            tallies.Sum(t => t.Refused));
    }
}

/// <summary>Whether the overdraft rule did exactly its job over the whole run: every attempt refused, nothing else.</summary>
internal sealed record MoneyRule(long OverdraftAttempts, long Refused, long Unexpected)
{
    public static MoneyRule Of(IEnumerable<PaymentWorkload> workloads, IReadOnlyCollection<CallerTally> tallies) =>
        new(workloads.Sum(w => w.OverdraftAttempts), tallies.Sum(t => t.RefusedInRun), tallies.Sum(t => t.UnexpectedInRun));

    public bool Exact => OverdraftAttempts == Refused && Unexpected == 0;
}

/// <summary>What <c>LedgerVerifier</c> said about the run's database once the run was over.</summary>
internal sealed record BooksCheck(bool Balance, string Detail);

/// <summary>One row of the results.</summary>
internal sealed record LedgerRun(
    string Database,
    PaymentPattern Pattern,
    LedgerMode Mode,
    string Shape,
    int Callers,
    int TransfersPerRequest,
    int? BatchSizeMax,
    Throughput Throughput,
    MoneyRule Money,
    LoadDelta Load,
    BatchProfile? Batches,
    BooksCheck Books);

/// <summary>Microseconds and bytes allocated per transfer in one phase of the writer.</summary>
internal readonly record struct PhaseCost(double Microseconds, double Bytes);

/// <summary>
/// The writer's phases measured by driving the engine and the store directly, without callers (see WriterPhases). Phases, in
/// order: making the payments (caller side: not the writer's, but on the same cores in the batched runs), engine rules, store
/// commit, publishing balances, completing the batch (idempotency memory), answering the requests.
/// </summary>
internal sealed record PhaseProfile(
    string Database, PaymentPattern Pattern, int Batches, double MeanBatchSize, IReadOnlyList<PhaseCost> Phases)
{
    public static IReadOnlyList<string> Names { get; } =
        ["making payments (caller side)", "engine rules", "store commit", "publish balances", "complete batch", "answer requests"];

    /// <summary>The writer thread's share: every phase but the callers' and the store's (which runs on its own thread).</summary>
    public PhaseCost Writer => new(Phases.Where((_, i) => i is not (0 or 2)).Sum(p => p.Microseconds),
        Phases.Where((_, i) => i is not (0 or 2)).Sum(p => p.Bytes));

    /// <summary>The store thread's share: the commit.</summary>
    public PhaseCost Store => Phases[2];

    /// <summary>
    /// Transfers/s the pipelined writer could sustain if it never waited for work: the slower of its two stages (the writer
    /// thread's rules and bookkeeping, the store thread's commit), given a core for each.
    /// </summary>
    public double CeilingPerSecond => Math.Max(Writer.Microseconds, Store.Microseconds) is var slowest and > 0 ? 1_000_000 / slowest : 0;
}
