using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;

namespace Zhifu.Server.RealName;

/// <summary>
/// The holder's choice when a second wallet of one ID number reaches Class Ⅲ (ACC-2), authorized by the payment password:
/// keep this wallet as Class Ⅲ and downgrade the other to Class Ⅱ, keep this wallet and merge the other into it, or keep
/// the other as Class Ⅲ (this wallet stays Class Ⅱ). A merge moves money, so it waits while either wallet is restricted in any
/// way — a legal or risk freeze, the involved-account list, dormancy, the holder's own loss freeze (ACC-5, ACC-6): the money of
/// a frozen wallet must not leave it by a merge any more than by a transfer.
/// </summary>
public sealed class ClassThreeChoice(DatabaseOptions database, WalletCredentials credentials, WalletMerges merges,
    Lifecycle.AccountRestrictions restrictions, IClock clock)
{
    public const string Downgrade = "downgrade";
    public const string Merge = "merge";

    public async Task<WalletError?> ChooseAsync(Guid userId, Guid? keepUserId, string? action, string? paymentPassword,
        CancellationToken cancellationToken)
    {
        if (keepUserId is not { } keep || action is not (Downgrade or Merge))
        {
            return RealNameErrors.InvalidChoice;
        }
        await using var db = database.CreateContext();
        var record = await db.Set<RealNameRecordRow>().FirstOrDefaultAsync(r => r.UserId == userId, cancellationToken);
        if (record?.ClassThreeHeldBy is not { } otherId)
        {
            return RealNameErrors.NoChoicePending;
        }
        if (keep != userId && keep != otherId)
        {
            return RealNameErrors.ChoiceAccountNotFound;
        }
        if (action == Merge && keep != userId)
        {
            return RealNameErrors.InvalidChoice; // a merge always brings the other wallet into the one asking
        }
        if (await credentials.VerifyPaymentPasswordAsync(userId, paymentPassword, cancellationToken) is { } refused)
        {
            return refused;
        }
        var me = await db.Set<UserRow>().FirstAsync(u => u.Id == userId, cancellationToken);
        if (!await db.Set<ClassThreeHolderRow>().AnyAsync(h => h.IdNumberIndex == me.IdNumberIndex && h.UserId == otherId, cancellationToken))
        {
            // The choice named the wallet that held the ID number's Class Ⅲ when it was offered; another wallet's choice has moved
            // it since (three wallets of one ID number). Acting on the old one would leave two Class Ⅲ wallets: the class is set
            // again from the evidence — Class Ⅲ if free now, else a new choice naming the wallet that holds it.
            await ClassThreeRule.AssignAsync(db, me, record, clock.UtcNow, cancellationToken);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // it moved again meanwhile: the next look offers what stands then
            }
            return RealNameErrors.ChoiceChanged;
        }
        if (keep == otherId)
        {
            record.ClassThreeHeldBy = null; // the other keeps Class Ⅲ; this wallet stays Class Ⅱ
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        if (action == Merge)
        {
            foreach (var wallet in await db.Set<UserRow>().AsNoTracking().Where(u => u.Id == userId || u.Id == otherId)
                .ToListAsync(cancellationToken))
            {
                if ((await restrictions.ActiveAsync(wallet, cancellationToken)).Count > 0)
                {
                    return RealNameErrors.MergeRestricted;
                }
            }
            return await merges.MergeAsync(userId, otherId, cancellationToken) is null ? RealNameErrors.ChoiceChanged : null;
        }
        var other = await db.Set<UserRow>().FirstAsync(u => u.Id == otherId, cancellationToken);
        if (!await ClassThreeRule.HandOverAsync(db, me, other, clock.UtcNow, cancellationToken))
        {
            return RealNameErrors.ChoiceChanged; // moved since the look above: the holder row read now is what the save is held to
        }
        record.ClassThreeHeldBy = null;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return RealNameErrors.ChoiceChanged; // another wallet's hand-over won at the same moment
        }
        return null;
    }
}
