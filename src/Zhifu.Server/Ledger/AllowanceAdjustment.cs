using Zhifu.Data.Entities;

namespace Zhifu.Server.Ledger;

/// <summary>
/// 额度调整 — how a period's allowance moves to a new limit: a raise credits the difference less the shortfall a lowering
/// left (given back first); a lowering takes back only what is still unused and remembers the rest as shortfall. So after
/// a limit goes down and up again, what is left is exactly what the new limit leaves — and a use given back after a lowering
/// is taken back up to the shortfall (<see cref="Reclaim"/>).
/// </summary>
internal static class AllowanceAdjustment
{
    /// <summary>
    /// Writes the move to <paramref name="target"/> into the row: settled at once when nothing needs to reach the ledger,
    /// otherwise as a pending adjustment with its transfer id, to be sent after the row is saved.
    /// </summary>
    public static void Plan(AllowancePeriodRow row, long target, long remaining)
    {
        var delta = target - row.AllowanceFen;
        long adjust, shortfall;
        if (delta > 0)
        {
            adjust = Math.Max(0, delta - row.ShortfallFen);
            shortfall = Math.Max(0, row.ShortfallFen - delta);
        }
        else
        {
            var taken = Math.Min(-delta, Math.Max(0, remaining));
            adjust = -taken;
            shortfall = row.ShortfallFen + (-delta - taken);
        }
        if (adjust == 0)
        {
            (row.AllowanceFen, row.ShortfallFen) = (target, shortfall);
        }
        else
        {
            row.PendingAdjustmentId = Guid.CreateVersion7();
            (row.PendingAdjustmentFen, row.PendingAllowanceFen, row.PendingShortfallFen) = (adjust, target, shortfall);
        }
        row.Version++;
    }

    /// <summary>
    /// A use given back after a lowering (a held transfer revoked, a card transfer or withdrawal the bank declined) returns
    /// its whole amount to the allowance, though the lowered limit left room only for part of it: the shortfall the lowering
    /// remembered takes back what has come free, so what is left never exceeds what the new limit leaves. False when there is
    /// nothing to take (no shortfall, or nothing free); otherwise written as a pending adjustment, as <see cref="Plan"/>.
    /// </summary>
    public static bool Reclaim(AllowancePeriodRow row, long remaining)
    {
        var taken = Math.Min(row.ShortfallFen, Math.Max(0, remaining));
        if (taken <= 0)
        {
            return false;
        }
        row.PendingAdjustmentId = Guid.CreateVersion7();
        (row.PendingAdjustmentFen, row.PendingAllowanceFen, row.PendingShortfallFen) = (-taken, row.AllowanceFen, row.ShortfallFen - taken);
        row.Version++;
        return true;
    }
}
