namespace Zhifu.Core.Ledger;

/// <summary>
/// A request to move money between two ledger accounts. The id is the idempotency key; the business id
/// names the record (payment, top-up, adjustment …) that explains the move.
/// </summary>
public readonly record struct Transfer
{
    /// <summary>Idempotency key; time-ordered (UUIDv7) so inserts stay local in the index.</summary>
    public required Guid Id { get; init; }

    /// <summary>The account debited. May be empty on post/void (taken from the hold).</summary>
    public Guid DebitAccountId { get; init; }

    /// <summary>The account credited. May be empty on post/void (taken from the hold).</summary>
    public Guid CreditAccountId { get; init; }

    /// <summary>Amount in fen. On post, 0 means the whole hold; on void it must be 0 or the held amount.</summary>
    public long AmountFen { get; init; }

    /// <summary>The hold that a PostPending / VoidPending transfer resolves.</summary>
    public Guid PendingId { get; init; }

    /// <summary>Seconds after which an unresolved hold is released; 0 = never. Only on Pending transfers.</summary>
    public uint TimeoutSeconds { get; init; }

    /// <summary>The currency ledger; 1 = CNY.</summary>
    public int Ledger { get; init; }

    /// <summary>The business kind of the move (see <see cref="TransferCode"/>).</summary>
    public required ushort Code { get; init; }

    /// <summary>Pending, post, void, linked.</summary>
    public TransferFlags Flags { get; init; }

    /// <summary>The id of the business record that explains this move.</summary>
    public required Guid BusinessId { get; init; }
}

/// <summary>A transfer as the ledger keeps it: the request, resolved, stamped and with its outcome.</summary>
/// <param name="Transfer">The transfer, with accounts and amount resolved for post/void.</param>
/// <param name="Timestamp">Unix microseconds, strictly increasing across the ledger.</param>
/// <param name="Result">The outcome; only <see cref="TransferResult.Ok"/> rows moved money.</param>
public readonly record struct StoredTransfer(Transfer Transfer, long Timestamp, TransferResult Result);

/// <summary>A ledger account to create.</summary>
public readonly record struct NewAccount
{
    /// <summary>The account id (UUIDv7).</summary>
    public required Guid Id { get; init; }

    /// <summary>The currency ledger; 1 = CNY.</summary>
    public int Ledger { get; init; }

    /// <summary>The account's kind in the chart.</summary>
    public required AccountCode Code { get; init; }

    /// <summary>Balance rules.</summary>
    public AccountFlags Flags { get; init; }
}

/// <summary>An account and its balances at a moment.</summary>
public readonly record struct AccountBalance(
    Guid Id,
    int Ledger,
    AccountCode Code,
    AccountFlags Flags,
    long DebitsPending,
    long DebitsPosted,
    long CreditsPending,
    long CreditsPosted,
    long Timestamp)
{
    /// <summary>Credit-normal balance available to spend (posted credits minus all debits).</summary>
    public long AvailableCreditBalance => CreditsPosted - DebitsPosted - DebitsPending;

    /// <summary>Credit-normal posted balance.</summary>
    public long PostedCreditBalance => CreditsPosted - DebitsPosted;

    /// <summary>Debit-normal posted balance (assets).</summary>
    public long PostedDebitBalance => DebitsPosted - CreditsPosted;
}

/// <summary>An open hold as the engine tracks it; <paramref name="Closing"/> is the hold's ClosingDebit/ClosingCredit flags.</summary>
public readonly record struct OpenPending(
    Guid Id, Guid DebitAccountId, Guid CreditAccountId, long AmountFen, int Ledger, ushort Code, long ExpiresAt, TransferFlags Closing)
{
    /// <summary>The ClosingDebit and ClosingCredit flags of a transfer.</summary>
    public const TransferFlags ClosingFlags = TransferFlags.ClosingDebit | TransferFlags.ClosingCredit;
}

/// <summary>The ledger's well-known numbers.</summary>
public static class Ledgers
{
    /// <summary>Renminbi, in fen.</summary>
    public const int Cny = 1;
}
