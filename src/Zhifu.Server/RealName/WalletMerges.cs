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
/// its status check a moment before cannot land there later — money that landed before the closing is moved too. A merge
/// interrupted by a crash is finished on the next start.
/// </summary>
public sealed class WalletMerges(
    DatabaseOptions database, ILedger ledger, Lifecycle.WalletLedgerClosing closing, WalletSessions sessions, BankCards cards,
    PersonalData personalData, ISmsGateway sms, IClock clock, ILogger<WalletMerges> logger)
{
    private const int MoveAttemptsMax = 10;

    /// <summary>Closes <paramref name="otherId"/> and moves everything it holds into <paramref name="keeperId"/>.</summary>
    public async Task<WalletMergeRow> MergeAsync(Guid keeperId, Guid otherId, CancellationToken cancellationToken)
    {
        var now = clock.UtcNow;
        var merge = new WalletMergeRow { Id = Guid.CreateVersion7(), FromUserId = otherId, ToUserId = keeperId, CreatedAt = now };
        await using (var db = database.CreateContext())
        {
            var keeper = await db.Set<UserRow>().FirstAsync(u => u.Id == keeperId, cancellationToken);
            var other = await db.Set<UserRow>().FirstAsync(u => u.Id == otherId, cancellationToken);
            await ClassThreeRule.HandOverAsync(db, keeper, other, now, cancellationToken);
            other.Status = WalletAccounts.StatusClosed;
            other.ClosedAt = now;
            (await db.Set<RealNameRecordRow>().FirstAsync(r => r.UserId == keeperId, cancellationToken)).ClassThreeHeldBy = null;
            db.Add(merge);
            await db.SaveChangesAsync(cancellationToken);
        }
        await sessions.RevokeAllAsync(otherId, cancellationToken);
        await cards.UnbindAllAsync(otherId, cancellationToken);
        var done = await CompleteAsync(merge.Id, cancellationToken);
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
            await CompleteAsync(id, cancellationToken);
        }
    }

    private async Task<WalletMergeRow> CompleteAsync(Guid mergeId, CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext();
        var merge = await db.Set<WalletMergeRow>().FirstAsync(m => m.Id == mergeId, cancellationToken);
        var from = await db.Set<UserRow>().AsNoTracking().FirstAsync(u => u.Id == merge.FromUserId, cancellationToken);
        var to = await db.Set<UserRow>().AsNoTracking().FirstAsync(u => u.Id == merge.ToUserId, cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            var wallet = ledger.GetAccount(from.WalletAccountId)?.AvailableCreditBalance ?? 0;
            var consumption = ledger.GetAccount(from.ConsumptionAccountId)?.AvailableCreditBalance ?? 0;
            if (wallet == 0 && consumption == 0)
            {
                // Closed for good; money that arrived before the closing moves with it in the same linked chain.
                var (sweptWallet, sweptConsumption) = (0L, 0L);
                var (unsettled, swept) = await closing.CloseAsync(from, (w, c) =>
                {
                    (sweptWallet, sweptConsumption) = (w.AvailableCreditBalance, c.AvailableCreditBalance);
                    return Moves(from, to, sweptWallet, sweptConsumption, merge.Id);
                });
                if (swept)
                {
                    merge.WalletFen += sweptWallet;
                    merge.ConsumptionFen += sweptConsumption;
                    await db.SaveChangesAsync(cancellationToken);
                }
                if (unsettled is not null)
                {
                    // Money still on hold (a payment under way, a delayed transfer) settles into the closed wallet, where
                    // operators see it: the accounts stay open for it.
                    logger.LogWarning("merged wallet {UserId} left open in the ledger: {Code}", from.Id, unsettled.Code);
                }
                break;
            }
            var results = await ledger.SubmitAsync(Moves(from, to, wallet, consumption, merge.Id), cancellationToken);
            if (results.All(r => r.IsSuccess()))
            {
                merge.WalletFen += wallet;
                merge.ConsumptionFen += consumption;
                await db.SaveChangesAsync(cancellationToken);
            }
            else if (!results.Contains(TransferResult.ExceedsCredits) || attempt >= MoveAttemptsMax)
            {
                throw new InvalidOperationException($"wallet merge {merge.Id}: {string.Join(", ", results)}");
            }
            // ExceedsCredits: a payment already under way took part of the balance; read it again and move the rest.
        }
        merge.CompletedAt = clock.UtcNow;
        await db.SaveChangesAsync(cancellationToken);
        return merge;
    }

    /// <summary>CS-3: the closed wallet's phone hears where its money went.</summary>
    private async Task NotifyAsync(WalletMergeRow merge, CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext();
        var from = await db.Set<UserRow>().AsNoTracking().FirstAsync(u => u.Id == merge.FromUserId, cancellationToken);
        var to = await db.Set<UserRow>().AsNoTracking().FirstAsync(u => u.Id == merge.ToUserId, cancellationToken);
        var keeper = PersonalDataMask.Phone(personalData.Unprotect(to.PhoneCipher, PersonalData.Phone));
        await sms.SendAsync(personalData.Unprotect(from.PhoneCipher, PersonalData.Phone), "account",
            $"【知付】按您的选择，本钱包已并入同一身份的钱包 {keeper}（每人限一个Ⅲ类账户），余额 {new Money(merge.WalletFen + merge.ConsumptionFen)} 已转入，本钱包已注销。",
            cancellationToken);
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
