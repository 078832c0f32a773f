namespace Zhifu.Data.Ledger;

/// <summary>
/// SQLite settings of the ledger connection. Durable by default (WAL with synchronous=FULL): batching makes the
/// fsync per commit cheap, so there is no reason to trade durability for speed.
/// </summary>
public sealed record SqliteTuning
{
    /// <summary><c>PRAGMA synchronous</c>: FULL (durable) by default; tests may use NORMAL.</summary>
    public string Synchronous { get; init; } = "FULL";

    /// <summary>Pages between WAL checkpoints; larger means fewer, bigger checkpoints.</summary>
    public int WalAutoCheckpointPages { get; init; } = 10_000;

    /// <summary>How long to wait for another writer's lock before failing, in ms.</summary>
    public int BusyTimeoutMs { get; init; } = 30_000;
}
