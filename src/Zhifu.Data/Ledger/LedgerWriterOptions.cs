namespace Zhifu.Data.Ledger;

/// <summary>Limits of the batched ledger writer (configuration section <c>Ledger</c>).</summary>
public sealed record LedgerWriterOptions
{
    /// <summary>Most transfers committed in one database transaction.</summary>
    public int BatchSizeMax { get; init; } = 8_190;

    /// <summary>How long a batch that is not full may wait for more requests, in ms (0: commit what is there).</summary>
    public int BatchWaitMaxMs { get; init; }

    /// <summary>Most requests waiting for the writer; callers beyond it wait (back-pressure), they are not dropped.</summary>
    public int QueueCapacity { get; init; } = 65_536;

    /// <summary>Most transfers in one request (a linked chain must fit in one request).</summary>
    public int RequestSizeMax { get; init; } = 1_024;

    /// <summary>Recent transfer outcomes kept in memory for idempotent repeats.</summary>
    public int RecentTransferCapacity { get; init; } = 1_000_000;

    /// <summary>Attempts to commit a batch when the database fails before callers are told it is unavailable.</summary>
    public int CommitAttemptsMax { get; init; } = 3;
}
