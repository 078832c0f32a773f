namespace Zhifu.Core.Banking;

/// <summary>
/// The one way the platform talks to banks and the clearing channel (银行/清算通道).
/// Every money-moving call carries the platform's request id as the idempotency key: sending the same
/// request again never moves money twice. CARD-4: no method turns a timeout or transport error into
/// <see cref="BankOutcome.Failed"/>; those come back as <see cref="BankOutcome.Unknown"/> and are resolved
/// by <see cref="QueryAsync"/>, a retry with the same id, or <see cref="ReverseAsync"/>.
/// Cancelling <c>cancellationToken</c> throws <see cref="OperationCanceledException"/>; the caller must then
/// treat a money-moving request as unknown.
/// </summary>
public interface IBankChannel
{
    /// <summary>Real-name verification (实名认证) against one external source: does it know this holder?</summary>
    /// <param name="request">Source (a bank code), name, ID number and phone.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    Task<BankVerificationResult> VerifyIdentityAsync(IdentityVerificationRequest request, CancellationToken cancellationToken);

    /// <summary>Card verification before binding (CARD-1): do card, name, ID number and phone belong together?</summary>
    /// <param name="request">Bank, card number and the holder's three facts.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    Task<BankVerificationResult> VerifyCardAsync(CardVerificationRequest request, CancellationToken cancellationToken);

    /// <summary>Takes money from the card (扣款), e.g. a wallet top-up (CARD-2).</summary>
    /// <param name="request">The movement; its request id is the idempotency key.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    Task<BankMovementResult> DebitAsync(BankMovementRequest request, CancellationToken cancellationToken);

    /// <summary>Pays money onto the card (入账), e.g. a withdrawal (CARD-2).</summary>
    /// <param name="request">The movement; its request id is the idempotency key.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    Task<BankMovementResult> CreditAsync(BankMovementRequest request, CancellationToken cancellationToken);

    /// <summary>Asks the bank for the real status of an earlier debit or credit; safe to repeat.</summary>
    /// <param name="requestId">The platform's request id of the original movement.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    Task<BankQueryResult> QueryAsync(string requestId, CancellationToken cancellationToken);

    /// <summary>Reverses (冲正) a succeeded debit or credit, at most once; also bars a late original from moving money.</summary>
    /// <param name="request">The original request id and this reversal's own id.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    Task<BankReversalResult> ReverseAsync(BankReversalRequest request, CancellationToken cancellationToken);

    /// <summary>Downloads one bank's statement (对账单) for a day in China time, for reconciliation (SET-4).</summary>
    /// <param name="bank">Bank code, e.g. <c>ICBC</c>.</param>
    /// <param name="day">The calendar day in Asia/Shanghai.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    Task<BankStatementResult> GetStatementAsync(string bank, DateOnly day, CancellationToken cancellationToken);
}
