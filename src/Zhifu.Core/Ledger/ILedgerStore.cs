namespace Zhifu.Core.Ledger;

/// <summary>
/// Where the ledger persists. Implementations (SQLite, PostgreSQL) live in Zhifu.Data; only the
/// writer thread calls them, so they need no locking of their own.
/// </summary>
public interface ILedgerStore : IDisposable
{
    /// <summary>Reads every account with its balances and every open hold, to rebuild the writer's state on start.</summary>
    LedgerSnapshot Load();

    /// <summary>
    /// Commits the batch in one transaction. Throws <see cref="DuplicateTransferIdException"/> when a transfer id
    /// already exists in the database (the in-memory id cache had evicted it); the writer then looks the ids up
    /// and replays the batch. Any other exception means nothing was written.
    /// </summary>
    void Commit(LedgerBatch batch);

    /// <summary>The stored transfers among the given ids (rare path: post/void of an old hold, duplicate replay).</summary>
    IReadOnlyList<StoredTransfer> FindTransfers(IReadOnlyCollection<Guid> ids);

    /// <summary>The status of a hold that is no longer open, if it ever existed.</summary>
    PendingStatus? FindPendingStatus(Guid pendingId);
}

/// <summary>What the writer needs to start: all accounts and all open holds.</summary>
/// <param name="Accounts">Every account with its stored balances.</param>
/// <param name="OpenPendings">Every hold still open.</param>
/// <param name="LastTimestamp">The newest timestamp in the ledger, so timestamps keep increasing.</param>
public sealed record LedgerSnapshot(IReadOnlyList<AccountBalance> Accounts, IReadOnlyList<OpenPending> OpenPendings, long LastTimestamp);

/// <summary>A transfer id was already in the database.</summary>
public sealed class DuplicateTransferIdException(string message, Exception? inner = null) : Exception(message, inner);
