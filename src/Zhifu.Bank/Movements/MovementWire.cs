namespace Zhifu.Bank.Movements;

/// <summary>Body of <c>POST /v1/debits</c> and <c>POST /v1/credits</c>.</summary>
internal sealed record MovementBody(string? RequestId, string? Bank, string? CardNo, long? AmountFen, string? Memo, string? NotifyUrl);

/// <summary>Answer to a debit or credit, and the body of its result callback. Status: succeeded, failed or unknown.</summary>
internal sealed record MovementAnswer(string RequestId, string Status, string? BankTxnId, string? Code, string? Message)
{
    public static MovementAnswer Of(Movement m) => new(m.RequestId, m.FirstOutcome, m.BankTxnId, m.Code, m.Message);
}

/// <summary>Answer of <c>GET /v1/transactions/{request_id}</c>. Status: succeeded, failed, reversed or not_found.</summary>
internal sealed record TransactionAnswer(
    string RequestId, string Status, string? BankTxnId, string? Direction, long? AmountFen, string? Code, string? ReversalId)
{
    public static TransactionAnswer NotFound(string requestId) => new(requestId, "not_found", null, null, null, null, null);

    public static TransactionAnswer Of(Movement m) =>
        new(m.RequestId, m.Status, m.BankTxnId, m.Direction, m.AmountFen, m.Code, m.ReversalId);
}

/// <summary>Body of <c>POST /v1/reversals</c>: the original's request id and this reversal's own id.</summary>
internal sealed record ReversalBody(string? RequestId, string? ReversalId);

/// <summary>Answer to a reversal. Status: succeeded, failed or unknown.</summary>
internal sealed record ReversalAnswer(string RequestId, string ReversalId, string Status, string? Code);
