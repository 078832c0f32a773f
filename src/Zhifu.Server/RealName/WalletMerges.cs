using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Core.Ledger;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;
using Zhifu.Server.Cards;
using Zhifu.Server.Notifications;
using Zhifu.Server.Security;

namespace Zhifu.Server.RealName;

/// <summary>
/// 账户合并 (ACC-2): the holder keeps this wallet as the ID number's Class Ⅲ and merges the other into it. The other wallet
/// is closed first (so nothing new lands in it), then its whole balance moves through the ledger under a merge record:
/// ordinary balance to ordinary balance, consumption-only funds to consumption-only funds (CARD-3 keeps following the
/// money); then its ledger accounts are closed for good (<see cref="Lifecycle.WalletLedgerClosing"/>), so a move that passed
/// its status check a moment before cannot land there later — money that landed before the closing is moved too; money on
/// hold there leaves the accounts open until it settles (<see cref="FinishLeftOpenAsync"/>). A merge interrupted by a crash is
/// finished on the next start.
/// </summary>
public sealed class WalletMerges(
    DatabaseOptions database, ILedger ledger, Lifecycle.WalletLedgerClosing closing, WalletSessions sessions, BankCards cards,
    PersonalData personalData, ISmsGateway sms, IClock clock, ILogger<WalletMerges> logger)
{
    private const int MoveAttemptsMax = 10;

    /// <summary>Closes <paramref name="otherId"/> and moves everything it holds into <paramref name="keeperId"/>; null (nothing
    /// done) when <paramref name="otherId"/> no longer holds the ID number's Class Ⅲ (another wallet's choice moved it).</summary>
    public async Task<WalletMergeRow?> MergeAsync(Guid keeperId, Guid otherId, CancellationToken cancellationToken)
    {
        var now = clock.UtcNow;
        var merge = new WalletMergeRow { Id = Guid.CreateVersion7(), FromUserId = otherId, ToUserId = keeperId, CreatedAt = now };
        await using (var db = database.CreateContext())
        {
            var keeper = await db.Set<UserRow>().FirstAsync(u => u.Id == keeperId, cancellationToken);
            var other = await db.Set<UserRow>().FirstAsync(u => u.Id == otherId, cancellationToken);
            if (!await ClassThreeRule.HandOverAsync(db, keeper, other, now, cancellationToken))
            {
                return null;
            }
            other.Status = WalletAccounts.StatusClosed;
            other.ClosedAt = now;
            (await db.Set<RealNameRecordRow>().FirstAsync(r => r.UserId == keeperId, cancellationToken)).ClassThreeHeldBy = null;
            db.Add(merge);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                return null; // another hand-over of the ID number's Class Ⅲ won at the same moment: nothing was written
            }
        }
        await sessions.RevokeAllAsync(otherId, cancellationToken);
        await cards.UnbindAllAsync(otherId, cancellationToken);
        var (done, _) = await SettleAsync(merge.Id, cancellationToken);
        await NotifyAsync(done, cancellationToken);
        return done;
    }

    /// <summary>Finishes every merge a crash interrupted.</summary>
    public async Task ResumeAsync(CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext();
        var open = await db.Set<WalletMergeRow>().Where(m => m.CompletedAt == null).Select(m => m.Id).ToListAsync(cancellationToken);
        foreach (var id in open)
        {
            await SettleAsync(id, cancellationToken);
        }
    }

    /// <summary>
    /// Finishes merges whose wallet was left open in the ledger because money was on hold there at the time: whatever a hold
    /// gave back since (a review rejected, a delayed transfer returned) moves to the kept wallet — the holder of the merged
    /// number is told by SMS — and the accounts close once nothing is on hold. At most 100 a round; <see cref="MergeWorker"/>
    /// runs it every minute. How many merges it closed.
    /// </summary>
    public async Task<int> FinishLeftOpenAsync(CancellationToken cancellationToken)
    {
        List<Guid> open;
        await using (var db = database.CreateContext())
        {
            open = await db.Set<WalletMergeRow>().Where(m => m.LedgerClosedAt == null && m.CompletedAt != null)
                .OrderBy(m => m.CompletedAt).Select(m => m.Id).Take(100).ToListAsync(cancellationToken);
        }
        var closed = 0;
        foreach (var id in open)
        {
            try
            {
                var (merge, movedFen) = await SettleAsync(id, cancellationToken);
                closed += merge.LedgerClosedAt is null ? 0 : 1;
                if (movedFen > 0)
                {
                    await NotifyLateAsync(merge, movedFen, cancellationToken);
                }
            }
            catch (InvalidOperationException e)
            {
                // e.g. the kept wallet was closed since (its holder's ACC-6): this merge's money needs operators; the others go on.
                logger.LogError(e, "merge {MergeId} left open could not be finished", id);
            }
        }
        return closed;
    }

    /// <summary>
    /// Moves what the merged wallet holds to the kept one and closes its ledger accounts for good; marks the merge completed
    /// (first time) and its ledger closed (when it is). The merge as recorded now, and the fen this call moved. Totals are
    /// added in one statement each time money moves, so two finishers at once (two servers) never lose one's sum.
    /// </summary>
    private async Task<(WalletMergeRow Merge, long MovedFen)> SettleAsync(Guid mergeId, CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext();
        var merge = await db.Set<WalletMergeRow>().AsNoTracking().FirstAsync(m => m.Id == mergeId, cancellationToken);
        var from = await db.Set<UserRow>().AsNoTracking().FirstAsync(u => u.Id == merge.FromUserId, cancellationToken);
        var to = await db.Set<UserRow>().AsNoTracking().FirstAsync(u => u.Id == merge.ToUserId, cancellationToken);
        var moved = 0L;
        async Task AddAsync(long walletFen, long consumptionFen)
        {
            moved += walletFen + consumptionFen;
            await db.Set<WalletMergeRow>().Where(m => m.Id == mergeId).ExecuteUpdateAsync(set => set
                .SetProperty(m => m.WalletFen, m => m.WalletFen + walletFen)
                .SetProperty(m => m.ConsumptionFen, m => m.ConsumptionFen + consumptionFen), CancellationToken.None);
        }
        var ledgerClosed = false;
        for (var attempt = 1; ; attempt++)
        {
            var wallet = ledger.GetAccount(from.WalletAccountId)?.AvailableCreditBalance ?? 0;
            var consumption = ledger.GetAccount(from.ConsumptionAccountId)?.AvailableCreditBalance ?? 0;
            if (wallet == 0 && consumption == 0)
            {
                // Closed for good; money that arrived before the closing moves with it in the same linked chain. With money on
                // hold there, nothing is tried (a closing hold would only be voided again): a later round.
                var (unsettled, swept) = (closing.Settlement(from), false);
                var (sweptWallet, sweptConsumption) = (0L, 0L);
                if (unsettled != Lifecycle.LifecycleErrors.OpenHolds)
                {
                    (unsettled, swept) = await closing.CloseAsync(from, (w, c) =>
                    {
                        (sweptWallet, sweptConsumption) = (w.AvailableCreditBalance, c.AvailableCreditBalance);
                        return Moves(from, to, sweptWallet, sweptConsumption, merge.Id);
                    });
                }
                if (swept)
                {
                    await AddAsync(sweptWallet, sweptConsumption);
                }
                if (unsettled is not null)
                {
                    // A hold (a payment under review, a delayed transfer) settles first; FinishLeftOpenAsync moves what it gives
                    // back and closes the accounts then.
                    logger.LogWarning("merged wallet {UserId} left open in the ledger until its holds settle: {Code}", from.Id,
                        unsettled.Code);
                }
                ledgerClosed = unsettled is null;
                break;
            }
            var results = await ledger.SubmitAsync(Moves(from, to, wallet, consumption, merge.Id), cancellationToken);
            if (results.All(r => r.IsSuccess()))
            {
                await AddAsync(wallet, consumption);
            }
            else if (!results.Contains(TransferResult.ExceedsCredits) || attempt >= MoveAttemptsMax)
            {
                throw new InvalidOperationException($"wallet merge {merge.Id}: {string.Join(", ", results)}");
            }
            // ExceedsCredits: a payment already under way took part of the balance; read it again and move the rest.
        }
        var now = clock.UtcNow;
        await db.Set<WalletMergeRow>().Where(m => m.Id == mergeId).ExecuteUpdateAsync(set =>
        {
            set.SetProperty(m => m.CompletedAt, m => m.CompletedAt ?? now);
            if (ledgerClosed)
            {
                set.SetProperty(m => m.LedgerClosedAt, m => m.LedgerClosedAt ?? now);
            }
        }, CancellationToken.None);
        return (await db.Set<WalletMergeRow>().AsNoTracking().FirstAsync(m => m.Id == mergeId, CancellationToken.None), moved);
    }

    /// <summary>CS-3: the closed wallet's phone hears where its money went.</summary>
    private Task NotifyAsync(WalletMergeRow merge, CancellationToken cancellationToken) => TextMergedNumberAsync(merge,
        keeper => $"【知付】按您的选择，本钱包已并入同一身份的钱包 {keeper}（每人限一个Ⅲ类账户），余额 {new Money(merge.WalletFen + merge.ConsumptionFen)} 已转入，本钱包已注销。",
        cancellationToken);

    /// <summary>CS-3: money a hold gave back after the merge followed the rest; the merged number hears how much.</summary>
    private Task NotifyLateAsync(WalletMergeRow merge, long movedFen, CancellationToken cancellationToken) => TextMergedNumberAsync(merge,
        keeper => $"【知付】您已合并的原钱包有 {new Money(movedFen)} 在合并后退回或到账，已转入合并后的钱包 {keeper}。", cancellationToken);

    /// <summary>Texts the merged wallet's number; <paramref name="text"/> is given the kept wallet's number, masked.</summary>
    private async Task TextMergedNumberAsync(WalletMergeRow merge, Func<string, string> text, CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext();
        var from = await db.Set<UserRow>().AsNoTracking().FirstAsync(u => u.Id == merge.FromUserId, cancellationToken);
        var to = await db.Set<UserRow>().AsNoTracking().FirstAsync(u => u.Id == merge.ToUserId, cancellationToken);
        var keeper = PersonalDataMask.Phone(personalData.Unprotect(to.PhoneCipher, PersonalData.Phone));
        await sms.SendAsync(personalData.Unprotect(from.PhoneCipher, PersonalData.Phone), "account", text(keeper), cancellationToken);
    }

    /// <summary>The balance and the consumption-only funds each to their kind (CARD-3), both parts or neither.</summary>
    private static List<Transfer> Moves(UserRow from, UserRow to, long walletFen, long consumptionFen, Guid mergeId)
    {
        var moves = new List<Transfer>();
        if (walletFen > 0)
        {
            moves.Add(Move(from.WalletAccountId, to.WalletAccountId, walletFen, mergeId));
        }
        if (consumptionFen > 0)
        {
            moves.Add(Move(from.ConsumptionAccountId, to.ConsumptionAccountId, consumptionFen, mergeId));
        }
        if (moves.Count == 2)
        {
            moves[0] = moves[0] with { Flags = TransferFlags.Linked };
        }
        return moves;
    }

    private static Transfer Move(Guid from, Guid to, long amountFen, Guid mergeId) => new()
    {
        Id = Guid.CreateVersion7(),
        DebitAccountId = from,
        CreditAccountId = to,
        AmountFen = amountFen,
        Ledger = Ledgers.Cny,
        Code = RealNameTransferCodes.WalletMerge,
        BusinessId = mergeId,
    };
}

/// <summary>Every minute, finishes merges left open in the ledger for money on hold (<see cref="WalletMerges.FinishLeftOpenAsync"/>).</summary>
public sealed class MergeWorker(WalletMerges merges, IHostApplicationLifetime lifetime, ILogger<MergeWorker> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Hosting.PeriodicWork.RunAsync(TimeSpan.FromMinutes(1),
        merges.FinishLeftOpenAsync, logger, "Finishing merges left open failed", stoppingToken,
        before: ct => Hosting.ServerStarted.WaitAsync(lifetime, ct));
}
