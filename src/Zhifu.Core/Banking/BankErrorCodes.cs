namespace Zhifu.Core.Banking;

/// <summary>The stable codes the bank channel answers with; tests and the platform match on these, never on messages.</summary>
public static class BankErrorCodes
{
    /// <summary>The body is not JSON of the expected shape.</summary>
    public const string InvalidJson = "invalid_json";
    /// <summary>The body is larger than the bank accepts.</summary>
    public const string BodyTooLarge = "body_too_large";
    /// <summary>A request id is missing, longer than 64 or holds other characters than <c>A-Z a-z 0-9 . _ : -</c>.</summary>
    public const string InvalidRequestId = "invalid_request_id";
    /// <summary>A reversal id breaks the request-id rules.</summary>
    public const string InvalidReversalId = "invalid_reversal_id";
    /// <summary>A bank code is missing or not 2–10 capital letters.</summary>
    public const string InvalidBank = "invalid_bank";
    /// <summary>A card number is not 12–19 digits with a valid Luhn check digit.</summary>
    public const string InvalidCardNumber = "invalid_card_no";
    /// <summary>A holder name is missing or longer than 64 characters.</summary>
    public const string InvalidName = "invalid_name";
    /// <summary>An ID number is not 17 digits plus a valid check character.</summary>
    public const string InvalidIdNumber = "invalid_id_no";
    /// <summary>A phone number is not an 11-digit mobile number.</summary>
    public const string InvalidPhone = "invalid_phone";
    /// <summary>An amount is not a positive number of fen within the bank's per-movement limit.</summary>
    public const string InvalidAmount = "invalid_amount";
    /// <summary>A memo is longer than 128 characters or holds control characters.</summary>
    public const string InvalidMemo = "invalid_memo";
    /// <summary>A notify URL is not an absolute http(s) URL of at most 512 characters.</summary>
    public const string InvalidNotifyUrl = "invalid_notify_url";
    /// <summary>A date is not <c>yyyy-MM-dd</c>.</summary>
    public const string InvalidDate = "invalid_date";
    /// <summary>A card type is not <c>debit</c> or <c>credit</c>.</summary>
    public const string InvalidCardType = "invalid_card_type";
    /// <summary>A fault setting is out of range.</summary>
    public const string InvalidFaults = "invalid_faults";
    /// <summary>The request id was used before with different fields; the repeat was refused.</summary>
    public const string RequestIdConflict = "request_id_conflict";
    /// <summary>The reversal id was used before for another original.</summary>
    public const string ReversalIdConflict = "reversal_id_conflict";
    /// <summary>A card with that number is already open.</summary>
    public const string CardExists = "card_exists";
    /// <summary>No card with that number at that bank.</summary>
    public const string CardNotFound = "card_not_found";
    /// <summary>The card is closed.</summary>
    public const string CardClosed = "card_closed";
    /// <summary>The card exists but the name, ID number or phone does not match its holder.</summary>
    public const string HolderMismatch = "holder_mismatch";
    /// <summary>The card has too little balance or available credit.</summary>
    public const string InsufficientFunds = "insufficient_funds";
    /// <summary>A credit would take the card's balance past the bank's ceiling.</summary>
    public const string BalanceLimit = "balance_limit";
    /// <summary>A reversal for this request id arrived first, so the late original was refused.</summary>
    public const string ReversedBeforeArrival = "reversed_before_arrival";
    /// <summary>The original movement failed; there is nothing to reverse.</summary>
    public const string OriginalFailed = "original_failed";
    /// <summary>The original never arrived; the reversal bars it from moving money later.</summary>
    public const string OriginalNotFound = "original_not_found";
    /// <summary>The original was already reversed; nothing moved this time.</summary>
    public const string AlreadyReversed = "already_reversed";
    /// <summary>The bank itself answered that the outcome is unknown.</summary>
    public const string OutcomeUnknown = "outcome_unknown";
    /// <summary>The bank answered late with a gateway timeout.</summary>
    public const string ChannelTimeout = "channel_timeout";
    /// <summary>The platform stopped waiting for the bank.</summary>
    public const string Timeout = "timeout";
    /// <summary>The connection to the bank failed, or the answer could not be read.</summary>
    public const string TransportError = "transport_error";
    /// <summary>The bank's address is not known yet (the simulator is still starting).</summary>
    public const string ChannelNotReady = "channel_not_ready";
}
