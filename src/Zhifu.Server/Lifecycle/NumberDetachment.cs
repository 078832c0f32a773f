using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;
using Zhifu.Server.Notifications;
using Zhifu.Server.Security;

namespace Zhifu.Server.Lifecycle;

/// <summary>What a carrier event did.</summary>
public enum DetachOutcome
{
    /// <summary>The wallet was frozen and its number detached.</summary>
    Detached,

    /// <summary>No wallet holds the number (never had one, or already detached: a repeated event).</summary>
    NoWallet,

    /// <summary>The wallet on the number was opened after the event: it belongs to the number's new holder.</summary>
    OpenedAfterEvent,
}

/// <summary>
/// 过户/销号 (ACC-6): when the carrier reports that a number passed to another person or was cancelled, the wallet on it
/// is frozen and detached from the number — phone index cleared (the ciphertext keeps the history), sessions ended, the
/// restriction recorded — so the wallet never passes to the number's next holder, who may open a fresh wallet with it.
/// The old holder recovers the wallet at the counter by binding a new number after an identity check.
/// </summary>
public sealed class NumberDetachment(
    DatabaseOptions database, PersonalData personalData, AccountRestrictions restrictions, WalletSessions sessions, ISmsGateway sms,
    AuditLog audit, IClock clock)
{
    public async Task<DetachOutcome> DetachAsync(string phone, string cause, DateTimeOffset occurredAt, CancellationToken cancellationToken)
    {
        var index = personalData.BlindIndex(phone, PersonalData.Phone);
        var masked = PersonalDataMask.Phone(phone);
        await using var db = database.CreateContext();
        var user = await db.Set<UserRow>().FirstOrDefaultAsync(u => u.PhoneIndex == index, cancellationToken);
        if (user is null)
        {
            return DetachOutcome.NoWallet;
        }
        // A late or repeated event must never detach the wallet the number's new holder opened — or moved to the number — after it.
        if ((user.PhoneBoundAt ?? user.CreatedAt) > occurredAt)
        {
            return DetachOutcome.OpenedAfterEvent;
        }
        // Sessions end first: whatever happens next, nobody holding the number keeps a way into the wallet.
        await sessions.RevokeAllAsync(user.Id, cancellationToken);
        var what = cause == PhoneReleaseCauses.CarrierTransfer ? "号码过户 number transferred" : "号码销号 number cancelled";
        var reason = $"{what} {ChinaTime.Format(occurredAt)}";
        // Detaching and restricting commit together: a detached wallet is never left without its restriction.
        user.PhoneIndex = null;
        db.Add(restrictions.NewRow(user.Id, RestrictionKinds.NumberDetached, reason, "carrier"));
        db.Add(new PhoneReleaseRow
        {
            Id = Guid.CreateVersion7(), UserId = user.Id, PhoneIndex = index, PhoneMasked = masked, Cause = cause,
            OccurredAt = occurredAt, RecordedAt = clock.UtcNow,
        });
        await db.SaveChangesAsync(cancellationToken);
        await audit.AppendAsync("carrier", "carrier", "account.number-detached", $"user:{user.Id}", $"phone {masked}, {cause}");
        return DetachOutcome.Detached;
    }

    /// <summary>Counter recovery: binds a new number to a detached wallet after the holder proved who they are.</summary>
    public async Task<WalletError?> RebindAsync(Guid userId, string newPhone, string? idNumber, string ticket, OperatorActor by,
        CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext();
        var user = await db.Set<UserRow>().FirstOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null)
        {
            return LifecycleErrors.UserNotFound;
        }
        if (user.Status == WalletAccounts.StatusClosed)
        {
            return WalletErrors.AccountClosed;
        }
        var detached = await db.Set<AccountRestrictionRow>()
            .Where(r => r.UserId == userId && r.Kind == RestrictionKinds.NumberDetached && r.LiftedAt == null)
            .ToListAsync(cancellationToken);
        if (detached.Count == 0)
        {
            return LifecycleErrors.NotDetached;
        }
        // A real-name wallet goes back only to the person it was verified for: the ID presented must be the wallet's.
        if (user.IdNumberIndex is not null)
        {
            if (idNumber is null)
            {
                return LifecycleErrors.IdNumberRequired;
            }
            if (!personalData.IsIdNumberOf(idNumber, user))
            {
                return LifecycleErrors.IdNumberMismatch;
            }
        }
        var newIndex = personalData.BlindIndex(newPhone, PersonalData.Phone);
        if (await db.Set<UserRow>().AnyAsync(u => u.PhoneIndex == newIndex, cancellationToken))
        {
            return WalletErrors.PhoneTaken;
        }
        // The new number and the lifted restriction commit together.
        (user.PhoneIndex, user.PhoneCipher, user.PhoneBoundAt) = (newIndex, personalData.Protect(newPhone, PersonalData.Phone), clock.UtcNow);
        foreach (var row in detached)
        {
            (row.LiftedAt, row.LiftedBy) = (clock.UtcNow, by.CreatedBy);
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return WalletErrors.PhoneTaken; // the number opened a wallet in the meantime
        }
        var masked = PersonalDataMask.Phone(newPhone);
        await audit.AppendAsync(by.Username, by.Role, "account.rebind-phone", $"user:{userId}", $"new phone {masked}, ticket {ticket}");
        await sms.SendAsync(newPhone, "account", "【知付】您的钱包已在柜面绑定本手机号，可使用原登录密码登录。",
            cancellationToken);
        return null;
    }
}
