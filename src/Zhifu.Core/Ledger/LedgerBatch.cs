namespace Zhifu.Core.Ledger;

/// <summary>
/// Everything one batch changed, handed to the store to commit in a single database transaction
/// (group commit). Account rows carry absolute balances: the single writer owns them.
/// </summary>
public sealed class LedgerBatch
{
    /// <summary>Accounts created in this batch.</summary>
    public List<AccountBalance> NewAccounts { get; } = [];

    /// <summary>Every transfer to store: applied ones (result Ok) and first failures (which reserve the id).</summary>
    public List<StoredTransfer> Transfers { get; } = [];

    /// <summary>Existing accounts whose balances changed (live: the engine keeps changing them after the batch is sealed).</summary>
    public List<AccountState> TouchedAccounts { get; } = [];

    /// <summary>The final balances of <see cref="TouchedAccounts"/>, copied when the batch was sealed: what the store writes.</summary>
    public List<AccountBalance> Balances { get; } = [];

    /// <summary>Holds opened in this batch, with their expiry (Unix µs, 0 = never).</summary>
    public List<(Guid Id, long ExpiresAt)> OpenedPendings { get; } = [];

    /// <summary>Holds resolved in this batch.</summary>
    public List<(Guid Id, PendingStatus Status, long At)> ResolvedPendings { get; } = [];

    /// <summary>Whether there is anything to write.</summary>
    public bool IsEmpty => NewAccounts.Count == 0 && Transfers.Count == 0 && TouchedAccounts.Count == 0
        && OpenedPendings.Count == 0 && ResolvedPendings.Count == 0;

    internal void Clear()
    {
        NewAccounts.Clear();
        Transfers.Clear();
        TouchedAccounts.Clear();
        Balances.Clear();
        OpenedPendings.Clear();
        ResolvedPendings.Clear();
    }
}

/// <summary>An account's live balances inside the writer. Only the writer thread touches it.</summary>
public sealed class AccountState
{
    internal AccountState(AccountBalance balance)
    {
        Id = balance.Id;
        Ledger = balance.Ledger;
        Code = balance.Code;
        Flags = balance.Flags;
        DebitsPending = balance.DebitsPending;
        DebitsPosted = balance.DebitsPosted;
        CreditsPending = balance.CreditsPending;
        CreditsPosted = balance.CreditsPosted;
        Timestamp = balance.Timestamp;
    }

    /// <summary>The account id.</summary>
    public Guid Id { get; }

    /// <summary>The currency ledger.</summary>
    public int Ledger { get; }

    /// <summary>The chart code.</summary>
    public AccountCode Code { get; }

    /// <summary>Balance rules, and whether a closing transfer closed the account.</summary>
    public AccountFlags Flags { get; internal set; }

    /// <summary>Whether a closing transfer closed the account.</summary>
    internal bool IsClosed => Flags.HasFlag(AccountFlags.Closed);

    /// <summary>Held debits.</summary>
    public long DebitsPending { get; internal set; }

    /// <summary>Posted debits.</summary>
    public long DebitsPosted { get; internal set; }

    /// <summary>Held credits.</summary>
    public long CreditsPending { get; internal set; }

    /// <summary>Posted credits.</summary>
    public long CreditsPosted { get; internal set; }

    /// <summary>When the account was created (Unix µs).</summary>
    public long Timestamp { get; }

    /// <summary>The batch number in which the account was last added to the touched list.</summary>
    internal long TouchedInBatch { get; set; } = -1;

    /// <summary>A copy of the current balances.</summary>
    public AccountBalance Snapshot() =>
        new(Id, Ledger, Code, Flags, DebitsPending, DebitsPosted, CreditsPending, CreditsPosted, Timestamp);
}
