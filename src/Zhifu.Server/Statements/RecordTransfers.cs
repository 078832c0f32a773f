using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Core.Ledger;
using Zhifu.Data;

namespace Zhifu.Server.Statements;

/// <summary>One ledger transfer of a statement line, as it touched this wallet.</summary>
/// <param name="Leg"><c>posted</c> (plain), <c>hold</c> (pending), <c>post</c> or <c>void</c> of a hold.</param>
/// <param name="HoldStatus">For a hold: <c>open</c>, <c>posted</c>, <c>voided</c> or <c>expired</c>.</param>
/// <param name="Account"><c>balance</c> or <c>consumption-only</c> (CARD-3): which of the wallet's two accounts.</param>
/// <param name="PostedFen">What it did to the account's posted balance: signed, + in, − out (0 for a hold and a void).</param>
/// <param name="HeldFen">For a hold still open: the signed amount it keeps reserved; otherwise 0.</param>
public sealed record RecordTransfer(Guid TransferId, string Leg, string? HoldStatus, string Account, long AmountFen, long PostedFen,
    long HeldFen, string CounterAccount, ushort Code, DateTimeOffset At);

/// <summary>One ledger transfer of a business record as operators see it: both accounts by kind, never a wallet's id.</summary>
/// <param name="Leg"><c>posted</c> (plain), <c>hold</c> (pending), <c>post</c> or <c>void</c> of a hold.</param>
/// <param name="HoldStatus">For a hold: <c>open</c>, <c>posted</c>, <c>voided</c> or <c>expired</c>.</param>
public sealed record RecordPosting(Guid TransferId, Guid RecordId, string Leg, string? HoldStatus, string DebitAccount,
    string CreditAccount, long AmountFen, ushort Code, DateTimeOffset At);

/// <summary>
/// The ledger transfers a business record explains (their <c>business_id</c>) on this wallet's accounts. A read off the hot
/// path: <c>ledger_transfers</c> carries no index on <c>business_id</c> (the batched writer appends faster without one), so
/// this scans the table — acceptable for a detail screen at today's sizes, not for a list.
/// </summary>
public sealed class RecordTransfers(DatabaseOptions database, ILedger ledger)
{
    public async Task<IReadOnlyList<RecordTransfer>> OfAsync(IReadOnlyCollection<Guid> recordIds, Guid walletAccountId,
        Guid consumptionAccountId, CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext();
        var rows = await db.LedgerTransfers.AsNoTracking()
            .Where(t => recordIds.Contains(t.BusinessId) && t.Result == (int)TransferResult.Ok && t.Ledger == Ledgers.Cny
                && (t.DebitAccountId == walletAccountId || t.CreditAccountId == walletAccountId
                    || t.DebitAccountId == consumptionAccountId || t.CreditAccountId == consumptionAccountId))
            .ToListAsync(cancellationToken);
        var holdIds = rows.Where(t => (t.Flags & (int)TransferFlags.Pending) != 0).Select(t => t.Id).ToList();
        var holds = await db.LedgerPending.AsNoTracking().Where(p => holdIds.Contains(p.Id))
            .ToDictionaryAsync(p => p.Id, p => (PendingStatus)p.Status, cancellationToken);
        return [.. rows.OrderBy(t => t.Timestamp).Select(t =>
        {
            var leg = Leg(t.Flags);
            var inward = t.CreditAccountId == walletAccountId || t.CreditAccountId == consumptionAccountId;
            var mine = inward ? t.CreditAccountId : t.DebitAccountId;
            var other = inward ? t.DebitAccountId : t.CreditAccountId;
            var signed = inward ? t.Amount : -t.Amount;
            var open = leg == "hold" && holds.GetValueOrDefault(t.Id) == PendingStatus.Open;
            return new RecordTransfer(t.Id, leg, leg == "hold" ? HoldStatus(holds.GetValueOrDefault(t.Id)) : null,
                mine == consumptionAccountId ? "consumption-only" : "balance", t.Amount, leg is "posted" or "post" ? signed : 0,
                open ? signed : 0, KindOf(other), (ushort)t.Code, At(t.Timestamp));
        })];
    }

    /// <summary>
    /// Every ledger transfer the records explain, on every account (the operators' view, SEC-2): both sides named by their
    /// kind only, oldest first, at most <paramref name="max"/>. Scans like <see cref="OfAsync"/>: a detail screen's read.
    /// </summary>
    public async Task<IReadOnlyList<RecordPosting>> AllOfAsync(IReadOnlyCollection<Guid> recordIds, int max,
        CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext();
        var rows = await db.LedgerTransfers.AsNoTracking()
            .Where(t => recordIds.Contains(t.BusinessId) && t.Result == (int)TransferResult.Ok && t.Ledger == Ledgers.Cny)
            .OrderBy(t => t.Timestamp).Take(max).ToListAsync(cancellationToken);
        var holdIds = rows.Where(t => (t.Flags & (int)TransferFlags.Pending) != 0).Select(t => t.Id).ToList();
        var holds = await db.LedgerPending.AsNoTracking().Where(p => holdIds.Contains(p.Id))
            .ToDictionaryAsync(p => p.Id, p => (PendingStatus)p.Status, cancellationToken);
        return [.. rows.Select(t =>
        {
            var leg = Leg(t.Flags);
            return new RecordPosting(t.Id, t.BusinessId, leg, leg == "hold" ? HoldStatus(holds.GetValueOrDefault(t.Id)) : null,
                KindOf(t.DebitAccountId), KindOf(t.CreditAccountId), t.Amount, (ushort)t.Code, At(t.Timestamp));
        })];
    }

    private static string Leg(int flags)
    {
        var f = (TransferFlags)flags;
        return f.HasFlag(TransferFlags.Pending) ? "hold" : f.HasFlag(TransferFlags.PostPending) ? "post"
            : f.HasFlag(TransferFlags.VoidPending) ? "void" : "posted";
    }

    private static string HoldStatus(PendingStatus status) => status switch
    {
        PendingStatus.Posted => "posted",
        PendingStatus.Voided => "voided",
        PendingStatus.Expired => "expired",
        _ => "open",
    };

    /// <summary>The other side by its kind only (<c>channel-clearing</c>, <c>user-wallet</c> …): never another wallet's id.</summary>
    private string KindOf(Guid accountId) => ledger.GetAccount(accountId)?.Code switch
    {
        null => "unknown",
        { } code => string.Concat(code.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c)
            : char.ToLowerInvariant(c).ToString())),
    };

    /// <summary>The writer's timestamp is Unix microseconds.</summary>
    private static DateTimeOffset At(long unixMicroseconds) => DateTimeOffset.UnixEpoch.AddTicks(unixMicroseconds * 10);
}
