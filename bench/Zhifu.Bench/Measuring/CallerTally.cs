using Zhifu.Core.Ledger;

namespace Zhifu.Bench.Measuring;

/// <summary>What one caller saw. Each caller owns its tally (no sharing on the hot path); tallies are merged at the end.</summary>
internal sealed class CallerTally
{
    public List<long> LatencyTicks { get; } = new(4_096);

    /// <summary>Transfers answered inside the measured window.</summary>
    public long Answered { get; private set; }

    public long Applied { get; private set; }

    public long Refused { get; private set; }

    /// <summary>Over the whole run (warm-up included): refusals must equal the overdraft attempts exactly.</summary>
    public long RefusedInRun { get; private set; }

    /// <summary>Over the whole run: any outcome other than Ok or ExceedsCredits is a bug in the ledger or the benchmark.</summary>
    public long UnexpectedInRun { get; private set; }

    public void Record(long sentAt, long answeredAt, ReadOnlySpan<TransferResult> results, RunWindow window)
    {
        long applied = 0, refused = 0;
        foreach (var result in results)
        {
            if (result == TransferResult.Ok)
            {
                applied++;
            }
            else if (result == TransferResult.ExceedsCredits)
            {
                refused++;
            }
            else
            {
                UnexpectedInRun++;
            }
        }
        RefusedInRun += refused;
        if (window.Counts(answeredAt))
        {
            LatencyTicks.Add(answeredAt - sentAt);
            Answered += results.Length;
            Applied += applied;
            Refused += refused;
        }
    }
}
