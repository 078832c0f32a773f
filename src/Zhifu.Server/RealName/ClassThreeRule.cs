using Microsoft.EntityFrameworkCore;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;

namespace Zhifu.Server.RealName;

/// <summary>
/// ACC-2: one person (ID number) holds at most one Class Ⅲ account at the institution. The holder of an ID number's Class Ⅲ
/// is a row keyed by the ID number's blind index, so two wallets racing for it cannot both win; a wallet whose evidence
/// supports Class Ⅲ while another active wallet holds it is capped at Class Ⅱ until the holder chooses (downgrade or merge).
/// </summary>
internal static class ClassThreeRule
{
    /// <summary>Sets the wallet's class from its evidence, claiming Class Ⅲ when free; the caller saves.</summary>
    public static async Task AssignAsync(ZhifuDb db, UserRow user, RealNameRecordRow record, DateTimeOffset now, CancellationToken ct)
    {
        var accountClass = record.EvidenceClass;
        record.ClassThreeHeldBy = null;
        if (accountClass == AccountClasses.Three)
        {
            var holder = await db.Set<ClassThreeHolderRow>().FirstOrDefaultAsync(h => h.IdNumberIndex == user.IdNumberIndex, ct);
            if (holder is null)
            {
                db.Add(new ClassThreeHolderRow { IdNumberIndex = user.IdNumberIndex!, UserId = user.Id, Since = now });
            }
            else if (holder.UserId != user.Id)
            {
                var other = await db.Set<UserRow>().AsNoTracking().Where(u => u.Id == holder.UserId)
                    .Select(u => new { u.Status, u.AccountClass }).FirstOrDefaultAsync(ct);
                if (other is null || other.Status == WalletAccounts.StatusClosed || other.AccountClass != AccountClasses.Three)
                {
                    // A closed wallet, or one no longer Class Ⅲ, passes the ID number's Class Ⅲ on.
                    holder.UserId = user.Id;
                    holder.Since = now;
                }
                else
                {
                    accountClass = AccountClasses.Two;
                    record.ClassThreeHeldBy = holder.UserId;
                }
            }
        }
        user.AccountClass = accountClass;
    }

    /// <summary>
    /// Moves the ID number's Class Ⅲ from <paramref name="other"/> to <paramref name="keeper"/>; the other wallet drops to
    /// Class Ⅱ. False (nothing changed) when <paramref name="other"/> no longer holds it — another wallet's choice moved it
    /// since the caller looked; the holder row's concurrency token then refuses a save racing another hand-over.
    /// </summary>
    public static async Task<bool> HandOverAsync(ZhifuDb db, UserRow keeper, UserRow other, DateTimeOffset now, CancellationToken ct)
    {
        var holder = await db.Set<ClassThreeHolderRow>().FirstAsync(h => h.IdNumberIndex == keeper.IdNumberIndex, ct);
        if (holder.UserId != other.Id)
        {
            return false;
        }
        holder.UserId = keeper.Id;
        holder.Since = now;
        keeper.AccountClass = AccountClasses.Three;
        other.AccountClass = Math.Min(other.AccountClass, AccountClasses.Two);
        return true;
    }
}
