namespace Zhifu.Core.Ledger;

/// <summary>Rules an account enforces on every transfer.</summary>
[Flags]
public enum AccountFlags : ushort
{
    /// <summary>No balance rule.</summary>
    None = 0,

    /// <summary>Debits (pending + posted) may never exceed posted credits: a wallet cannot go negative.</summary>
    DebitsMustNotExceedCredits = 1,

    /// <summary>Credits (pending + posted) may never exceed posted debits: an asset cannot go negative.</summary>
    CreditsMustNotExceedDebits = 2,

    /// <summary>
    /// Closed by a closing transfer (TigerBeetle's <c>closed</c>): no new transfer may debit or credit it. Holds opened before
    /// still post, void and expire; voiding (or the expiry of) the closing hold reopens the account, posting it keeps it closed.
    /// Never set on creation.
    /// </summary>
    Closed = 4,
}

/// <summary>How a transfer behaves (TigerBeetle's shape).</summary>
[Flags]
public enum TransferFlags : ushort
{
    /// <summary>A plain posted transfer.</summary>
    None = 0,

    /// <summary>Commits together with the next transfer in the request: all-or-nothing chains.</summary>
    Linked = 1,

    /// <summary>A hold: reserves the amount until posted, voided or timed out.</summary>
    Pending = 2,

    /// <summary>Posts (part of) the pending transfer named by <c>PendingId</c>.</summary>
    PostPending = 4,

    /// <summary>Releases the pending transfer named by <c>PendingId</c>.</summary>
    VoidPending = 8,

    /// <summary>On a Pending transfer (amount may be 0): closes the debit account once applied (see <see cref="AccountFlags.Closed"/>).</summary>
    ClosingDebit = 16,

    /// <summary>On a Pending transfer (amount may be 0): closes the credit account once applied.</summary>
    ClosingCredit = 32,
}

/// <summary>Where a pending transfer stands.</summary>
public enum PendingStatus : byte
{
    /// <summary>Held, awaiting post or void.</summary>
    Open = 0,

    /// <summary>Posted (in full or in part).</summary>
    Posted = 1,

    /// <summary>Voided by a transfer.</summary>
    Voided = 2,

    /// <summary>Released because its timeout passed.</summary>
    Expired = 3,
}
