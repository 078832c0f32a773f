using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;
using Zhifu.Server.Security;

namespace Zhifu.Server.Lifecycle;

/// <summary>What a risk operator lists: exactly one subject (user id, phone, ID number or opening device).</summary>
public sealed record Listing(string Category, Guid? UserId, string? Phone, string? IdNumber, string? DeviceId, string Reason, string Source,
    DateTimeOffset? ExpiresAt);

/// <summary>
/// 涉案账户名单 (ACC-5, RISK-3). An involved account has all business suspended while listed; a person listed for renting,
/// lending, selling or buying accounts or a false identity has non-counter business suspended and new accounts refused for
/// the configured years from listing (an entry's own expiry may end them earlier). Subjects are kept only as blind indexes
/// and masked forms (ACC-8).
/// </summary>
public sealed class InvolvedAccountList(DatabaseOptions database, PersonalData personalData, IClock clock, LifecycleRegulation regulation)
    : IOpeningScreen
{
    public async Task<(InvolvedAccountEntryRow? Entry, WalletError? Error)> AddAsync(Listing listing, string listedBy,
        CancellationToken cancellationToken)
    {
        var person = InvolvedCategories.IsPersonPenalty(listing.Category);
        var entry = new InvolvedAccountEntryRow
        {
            Id = Guid.CreateVersion7(),
            Category = listing.Category,
            SubjectMasked = "",
            Reason = listing.Reason,
            Source = listing.Source,
            ListedAt = clock.UtcNow,
            ExpiresAt = listing.ExpiresAt?.ToUniversalTime(),
            ListedBy = listedBy,
        };
        await using var db = database.CreateContext();
        if (listing.UserId is { } userId)
        {
            var user = await db.Set<UserRow>().AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, cancellationToken);
            if (user is null)
            {
                return (null, LifecycleErrors.UserNotFound);
            }
            entry.UserId = user.Id;
            // A person's penalty follows the person, not just this wallet: their number, ID and opening device too.
            (entry.PhoneIndex, entry.IdNumberIndex, entry.DeviceIndex) = person
                ? (user.PhoneIndex, user.IdNumberIndex, user.OpeningDeviceIndex) : (null, null, null);
            entry.SubjectMasked = $"{PersonalDataMask.Phone(personalData.Unprotect(user.PhoneCipher, PersonalData.Phone))} ({user.Id})";
        }
        else if (listing.Phone is { } phone)
        {
            entry.PhoneIndex = personalData.BlindIndex(phone, PersonalData.Phone);
            entry.UserId = await db.Set<UserRow>().Where(u => u.PhoneIndex == entry.PhoneIndex).Select(u => (Guid?)u.Id)
                .FirstOrDefaultAsync(cancellationToken);
            entry.SubjectMasked = PersonalDataMask.Phone(phone);
        }
        else if (listing.IdNumber is { } idNumber)
        {
            entry.IdNumberIndex = personalData.BlindIndex(idNumber, PersonalData.IdNumber);
            entry.SubjectMasked = PersonalDataMask.IdNumber(idNumber);
        }
        else
        {
            entry.DeviceIndex = personalData.BlindIndex(listing.DeviceId!, "device");
            entry.SubjectMasked = "device " + PersonalDataMask.IdNumber(listing.DeviceId);
        }
        db.Add(entry);
        await db.SaveChangesAsync(cancellationToken);
        return (entry, null);
    }

    public async Task<(InvolvedAccountEntryRow? Entry, WalletError? Error)> RemoveAsync(Guid id, string reason, string removedBy,
        CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext();
        var entry = await db.Set<InvolvedAccountEntryRow>().FirstOrDefaultAsync(e => e.Id == id, cancellationToken);
        if (entry is null)
        {
            return (null, LifecycleErrors.EntryNotFound);
        }
        if (entry.RemovedAt is not null)
        {
            return (null, LifecycleErrors.AlreadyRemoved);
        }
        (entry.RemovedAt, entry.RemovedBy, entry.RemovalReason) = (clock.UtcNow, removedBy, reason);
        await db.SaveChangesAsync(cancellationToken);
        return (entry, null);
    }

    /// <summary>The newest entries, active first when asked.</summary>
    public async Task<IReadOnlyList<InvolvedAccountEntryRow>> ListAsync(bool activeOnly, int limit, CancellationToken cancellationToken)
    {
        var now = clock.UtcNow;
        await using var db = database.CreateContext();
        var query = db.Set<InvolvedAccountEntryRow>().AsNoTracking();
        if (activeOnly)
        {
            query = query.Where(e => e.RemovedAt == null && (e.ExpiresAt == null || e.ExpiresAt > now));
        }
        return await query.OrderByDescending(e => e.ListedAt).Take(limit).ToListAsync(cancellationToken);
    }

    /// <summary>The restrictions the list puts on a wallet now: the involved account, or its holder's penalty.</summary>
    public async Task<IReadOnlyList<ActiveRestriction>> RestrictionsOfAsync(UserRow user, CancellationToken cancellationToken)
    {
        var now = clock.UtcNow;
        var (id, phone, idNumber) = (user.Id, user.PhoneIndex, user.IdNumberIndex);
        await using var db = database.CreateContext();
        var entries = await EntriesOf.For(db)(db, id, phone, idNumber, now).ToListAsync(cancellationToken);
        var found = new List<ActiveRestriction>();
        foreach (var e in entries)
        {
            if (!InvolvedCategories.IsPersonPenalty(e.Category))
            {
                found.Add(new ActiveRestriction(RestrictionKinds.Involved, e.Reason, e.ListedAt, e.ExpiresAt, e.ListedBy, e.Id));
            }
            else if (PenaltyEnd(e, regulation.InvolvedNonCounterSuspensionYears) is var end && end > now)
            {
                found.Add(new ActiveRestriction(RestrictionKinds.InvolvedPerson, e.Reason, e.ListedAt, end, e.ListedBy, e.Id));
            }
        }
        return found;
    }

    /// <inheritdoc />
    public async Task<WalletError?> RefusalAsync(OpeningSubject subject, CancellationToken cancellationToken)
    {
        var now = clock.UtcNow;
        var phone = personalData.BlindIndex(subject.Phone, PersonalData.Phone);
        var idNumber = subject.IdNumber is { Length: > 0 } n ? personalData.BlindIndex(n, PersonalData.IdNumber) : null;
        var device = subject.DeviceId is { Length: > 0 } d ? personalData.BlindIndex(d, "device") : null;
        await using var db = database.CreateContext();
        var releases = db.Set<PhoneReleaseRow>();
        var entries = await Active(db, now)
            .Where(e => e.Category != InvolvedCategories.Involved)
            .Where(e => (e.PhoneIndex == phone && !releases.Any(r => r.PhoneIndex == phone && r.OccurredAt > e.ListedAt))
                || (idNumber != null && e.IdNumberIndex == idNumber) || (device != null && e.DeviceIndex == device))
            .ToListAsync(cancellationToken);
        return entries.Any(e => PenaltyEnd(e, regulation.InvolvedOpeningRefusalYears) > now) ? LifecycleErrors.OpeningRefused : null;
    }

    /// <summary>
    /// The active entries that reach a wallet: its own, its holder's ID number's, and its phone number's. A listing by number
    /// reaches the number's holder at the listing — not the next holder, after the carrier passed it on (a release recorded
    /// after the listing): the penalty follows the person (ACC-5), the wallet is not the new holder's (ACC-6). Read before every
    /// payment and transfer: compiled once, so its first condition is <see cref="Active"/>'s written out (a compiled query
    /// cannot call it).
    /// </summary>
    private static readonly ModelCompiled<Func<ZhifuDb, Guid, byte[]?, byte[]?, DateTimeOffset, IAsyncEnumerable<InvolvedAccountEntryRow>>> EntriesOf =
        new(() => EF.CompileAsyncQuery((ZhifuDb db, Guid id, byte[]? phone, byte[]? idNumber, DateTimeOffset now) =>
            db.Set<InvolvedAccountEntryRow>().AsNoTracking().Where(e => e.RemovedAt == null && (e.ExpiresAt == null || e.ExpiresAt > now))
                .Where(e => e.UserId == id || (idNumber != null && e.IdNumberIndex == idNumber)
                    || (phone != null && e.PhoneIndex == phone
                        && !db.Set<PhoneReleaseRow>().Any(r => r.PhoneIndex == phone && r.OccurredAt > e.ListedAt)))));

    private static IQueryable<InvolvedAccountEntryRow> Active(ZhifuDb db, DateTimeOffset now) =>
        db.Set<InvolvedAccountEntryRow>().AsNoTracking().Where(e => e.RemovedAt == null && (e.ExpiresAt == null || e.ExpiresAt > now));

    /// <summary>A penalty lasts its regulatory years from listing, or until the entry's own expiry if that comes first.</summary>
    private static DateTimeOffset PenaltyEnd(InvolvedAccountEntryRow entry, int years)
    {
        var end = entry.ListedAt.AddYears(years);
        return entry.ExpiresAt is { } expires && expires < end ? expires : end;
    }
}
