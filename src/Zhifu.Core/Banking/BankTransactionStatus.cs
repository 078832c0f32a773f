namespace Zhifu.Core.Banking;

/// <summary>The bank's record of a debit or credit, as answered by a query (交易查询).</summary>
public enum BankTransactionStatus
{
    /// <summary>The money moved and stays moved.</summary>
    Succeeded,

    /// <summary>The bank refused the movement; no money moved.</summary>
    Failed,

    /// <summary>The money moved and was later reversed (冲正); net effect zero.</summary>
    Reversed,

    /// <summary>The bank has no record of the request id: it never arrived, so it is safe to send again with the same id.</summary>
    NotFound,

    /// <summary>The query itself got no definite answer; ask again later.</summary>
    Unknown,
}
