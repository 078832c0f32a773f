namespace Zhifu.Core.Ledger;

/// <summary>
/// The outcome of one transfer. A repeated transfer id answers the first outcome: <see cref="Exists"/>
/// when it succeeded, the same failure code when it failed, <see cref="ExistsWithDifferentFields"/>
/// when the repeat does not match the original.
/// </summary>
public enum TransferResult : byte
{
    /// <summary>Applied.</summary>
    Ok = 0,

    /// <summary>Part of a linked chain in which another transfer failed; nothing of the chain applied.</summary>
    LinkedEventFailed = 1,

    /// <summary>The last transfer of the request carries <c>Linked</c>: the chain never closes.</summary>
    LinkedEventChainOpen = 2,

    /// <summary>Already applied with the same fields (an idempotent repeat).</summary>
    Exists = 3,

    /// <summary>The id was used before with other fields.</summary>
    ExistsWithDifferentFields = 4,

    /// <summary>The id is empty.</summary>
    IdMustNotBeZero = 5,

    /// <summary>Debit and credit are the same account.</summary>
    AccountsMustBeDifferent = 6,

    /// <summary>Amount is zero or negative (post/void may use zero for "the whole hold").</summary>
    AmountMustBePositive = 7,

    /// <summary>No such debit account.</summary>
    DebitAccountNotFound = 8,

    /// <summary>No such credit account.</summary>
    CreditAccountNotFound = 9,

    /// <summary>The two accounts are on different ledgers (currencies).</summary>
    LedgerMismatch = 10,

    /// <summary>The debit account would go below zero (DebitsMustNotExceedCredits).</summary>
    ExceedsCredits = 11,

    /// <summary>The credit account would go below zero (CreditsMustNotExceedDebits).</summary>
    ExceedsDebits = 12,

    /// <summary>More than one of Pending / PostPending / VoidPending.</summary>
    FlagsAreMutuallyExclusive = 13,

    /// <summary>PostPending / VoidPending without a pending id.</summary>
    PendingIdRequired = 14,

    /// <summary>A pending id on a transfer that is not a post or void.</summary>
    PendingIdMustBeZero = 15,

    /// <summary>A timeout on a transfer that is not pending.</summary>
    TimeoutReservedForPending = 16,

    /// <summary>No pending transfer with that id.</summary>
    PendingTransferNotFound = 17,

    /// <summary>The referenced transfer is not a pending one.</summary>
    PendingTransferNotPending = 18,

    /// <summary>The hold was already posted.</summary>
    PendingTransferAlreadyPosted = 19,

    /// <summary>The hold was already voided.</summary>
    PendingTransferAlreadyVoided = 20,

    /// <summary>The hold timed out and was released.</summary>
    PendingTransferExpired = 21,

    /// <summary>Posting more than was held.</summary>
    ExceedsPendingTransferAmount = 22,

    /// <summary>Voiding with an amount other than the held one.</summary>
    PendingTransferHasDifferentAmount = 23,

    /// <summary>Post/void names accounts other than the hold's.</summary>
    AccountsMustMatchPending = 24,

    /// <summary>A balance would overflow 64 bits.</summary>
    Overflow = 25,

    /// <summary>Every money move is explained by a business record (architecture.md invariant).</summary>
    BusinessIdRequired = 26,

    /// <summary>The code is zero.</summary>
    CodeMustNotBeZero = 27,

    /// <summary>ClosingDebit / ClosingCredit on a transfer that is not Pending.</summary>
    ClosingTransferMustBePending = 28,

    /// <summary>The debit account is closed.</summary>
    DebitAccountAlreadyClosed = 29,

    /// <summary>The credit account is closed.</summary>
    CreditAccountAlreadyClosed = 30,
}

/// <summary>The outcome of creating one account.</summary>
public enum CreateAccountResult : byte
{
    /// <summary>Created.</summary>
    Ok = 0,

    /// <summary>Already exists with the same fields.</summary>
    Exists = 1,

    /// <summary>The id exists with other fields.</summary>
    ExistsWithDifferentFields = 2,

    /// <summary>The id is empty.</summary>
    IdMustNotBeZero = 3,

    /// <summary>Both balance flags set.</summary>
    FlagsAreMutuallyExclusive = 4,

    /// <summary>Not a code of the chart of accounts.</summary>
    UnknownCode = 5,

    /// <summary>The ledger (currency) is zero.</summary>
    LedgerMustNotBeZero = 6,

    /// <summary>An account is closed by a closing transfer, never created closed.</summary>
    ClosedFlagReserved = 7,
}

/// <summary>Helpers on results.</summary>
public static class TransferResults
{
    /// <summary>Whether the money moved (now or on the first attempt).</summary>
    public static bool IsSuccess(this TransferResult result) => result is TransferResult.Ok or TransferResult.Exists;

    /// <summary>Whether the account exists after the call.</summary>
    public static bool IsSuccess(this CreateAccountResult result) => result is CreateAccountResult.Ok or CreateAccountResult.Exists;
}
