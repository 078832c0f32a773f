namespace Zhifu.Core.Ledger;

/// <summary>
/// The one money path (architecture.md). Every money move of every feature goes through here; requests queue
/// to a single batched writer and callers await the committed outcome.
/// </summary>
public interface ILedger
{
    /// <summary>
    /// Submits transfers; the answer comes once their batch is durably committed. Transfers flagged
    /// <see cref="TransferFlags.Linked"/> apply all-or-nothing with the next one. Repeating an id answers the first outcome.
    /// </summary>
    Task<TransferResult[]> SubmitAsync(IReadOnlyList<Transfer> transfers, CancellationToken cancellationToken = default);

    /// <summary>Creates accounts; repeating an id answers Exists.</summary>
    Task<CreateAccountResult[]> CreateAccountsAsync(IReadOnlyList<NewAccount> accounts, CancellationToken cancellationToken = default);

    /// <summary>An account's committed balances, or null if there is no such account.</summary>
    AccountBalance? GetAccount(Guid accountId);
}

/// <summary>The ledger could not commit (database unavailable); nothing of the request was applied.</summary>
public sealed class LedgerUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
