namespace Zhifu.Core.Ledger;

/// <summary>
/// Business kinds of money moves. Each code is explained by one kind of business record; <c>verify</c>
/// checks that every applied transfer names an existing record of its kind.
/// </summary>
public static class TransferCode
{
    /// <summary>调账 — a manual or seeded adjustment, explained by an <c>adjustments</c> row.</summary>
    public const ushort Adjustment = 1;

    /// <summary>充值 — a top-up from a bound card (CARD-2), explained by a <c>fund_movements</c> row.</summary>
    public const ushort TopUp = 10;

    /// <summary>提现 — a withdrawal to a bound debit card (CARD-2), explained by a <c>fund_movements</c> row.</summary>
    public const ushort Withdrawal = 11;
}
