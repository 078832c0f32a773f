namespace Zhifu.Core.Ledger;

/// <summary>
/// Business kinds of money moves. Each code is explained by one kind of business record; <c>verify</c>
/// checks that every applied transfer names an existing record of its kind.
/// </summary>
public static class TransferCode
{
    /// <summary>调账 — a manual or seeded adjustment, explained by an <c>adjustments</c> row.</summary>
    public const ushort Adjustment = 1;
}
