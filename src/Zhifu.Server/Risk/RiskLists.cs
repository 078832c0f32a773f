using System.Collections.Frozen;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Security;

namespace Zhifu.Server.Risk;

/// <summary>The lists in force, as the engine reads them: subject → the entry's summary and expiry. Immutable; swapped whole.</summary>
public sealed class RiskListSnapshot(FrozenDictionary<string, (string Summary, DateTimeOffset? ExpiresAt)> entries)
{
    public static readonly RiskListSnapshot Empty = new(FrozenDictionary<string, (string, DateTimeOffset?)>.Empty);

    public int Count => entries.Count;

    /// <summary>The entry's reason and source when <paramref name="subject"/> is on <paramref name="list"/> at <paramref name="at"/>.</summary>
    public string? Find(string list, string subject, DateTimeOffset at) =>
        entries.TryGetValue(list + ":" + subject, out var e) && (e.ExpiresAt is null || e.ExpiresAt > at) ? e.Summary : null;
}

/// <summary>What a risk operator lists: exactly one subject of the named list.</summary>
public sealed record RiskListing(string List, Guid? UserId, string? DeviceId, string? CardToken, string? MchId, string Reason, string Source,
    DateTimeOffset? ExpiresAt);

/// <summary>
/// 风险名单 (RISK-3): blocked accounts, devices, cards and merchants, each entry with its reason, source (police notice, the
/// association's shared list, a case decision, the institution's own team) and optional expiry. Removal keeps the entry.
/// Devices are kept only as their keyed blind index. The involved-account list of ACC-5 is kept by the account lifecycle
/// (<c>/api/ops/involved-accounts</c>): its entries stop every movement before the engine is asked.
/// </summary>
public sealed class RiskLists(DatabaseOptions database, PersonalData personalData, AuditLog audit, IClock clock)
{
    public const string Account = "account";
    public const string Device = "device";
    public const string Card = "card";
    public const string Merchant = "merchant";
    public const int EntriesInForceMax = 1_000_000;

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Account, Device, Card, Merchant };

    private volatile RiskListSnapshot _snapshot = RiskListSnapshot.Empty;

    public RiskListSnapshot Snapshot => _snapshot;

    /// <summary>Whether the wallet is on the account list now (RISK-3): held money is not moved for it — a delayed transfer's
    /// arrival, a review's release — as a new movement of it would be blocked.</summary>
    public bool Listed(Guid userId) => _snapshot.Find(Account, userId.ToString("N"), clock.UtcNow) is not null;

    /// <summary>Whether the merchant is on the merchant list now (RISK-3).</summary>
    public bool MerchantListed(string mchId) => _snapshot.Find(Merchant, mchId, clock.UtcNow) is not null;

    /// <summary>Whether any party of the movement — its user, payee, device, card or merchant — is on a list now (RISK-3): a held
    /// movement is not released past a listing made since it was held (a case voided as fraud lists its device).</summary>
    public bool AnyListed(RiskEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var (lists, now) = (_snapshot, clock.UtcNow);
        return lists.Find(Account, e.UserKey, now) is not null
            || (e.PayeeKey is { } payee && lists.Find(Account, payee, now) is not null)
            || (e.DeviceKey is { } device && lists.Find(Device, device, now) is not null)
            || (e.CardToken is { } card && lists.Find(Card, card, now) is not null)
            || (e.MchId is { } mchId && lists.Find(Merchant, mchId, now) is not null);
    }

    /// <summary>The engine's key for a device: its keyed blind index in hex.</summary>
    /// <summary>The list key of a device id: its blind index, of the id trimmed and in lower case — a device listed as
    /// " ABC-1 " is the session's "abc-1" (RISK-3), never a silent miss.</summary>
    public string DeviceKey(string deviceId) =>
        Convert.ToHexStringLower(personalData.BlindIndex((deviceId ?? "").Trim().ToLowerInvariant(), "device"));

    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        var now = clock.UtcNow;
        await using var db = database.CreateContext();
        var rows = await db.Set<RiskListEntryRow>().AsNoTracking()
            .Where(e => e.RemovedAt == null && (e.ExpiresAt == null || e.ExpiresAt > now))
            .OrderByDescending(e => e.ListedAt).Take(EntriesInForceMax)
            .Select(e => new { e.List, e.SubjectKey, e.Reason, e.Source, e.ExpiresAt }).ToListAsync(cancellationToken);
        var entries = new Dictionary<string, (string, DateTimeOffset?)>(StringComparer.Ordinal);
        foreach (var r in rows)
        {
            entries.TryAdd(r.List + ":" + r.SubjectKey, ($"{r.Reason} (source: {r.Source})", r.ExpiresAt));
        }
        _snapshot = new RiskListSnapshot(entries.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary>An operator lists a subject (audited).</summary>
    public async Task<RiskListEntryRow> AddAsync(RiskListing listing, Lifecycle.OperatorActor by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(listing);
        ArgumentNullException.ThrowIfNull(by);
        var (key, masked) = listing.List switch
        {
            Account => (listing.UserId!.Value.ToString("N"), "user " + listing.UserId),
            Device => (DeviceKey(listing.DeviceId!), "device " + PersonalDataMask.IdNumber(listing.DeviceId)),
            Card => (listing.CardToken!.Trim(), "card " + listing.CardToken.Trim()),
            _ => (listing.MchId!.Trim(), "merchant " + listing.MchId.Trim()),
        };
        var entry = await AddKeyAsync(listing.List, key, masked, listing.Reason, listing.Source, listing.ExpiresAt, by.CreatedBy,
            cancellationToken);
        await audit.AppendAsync(by.Username, by.Role, "risk-list.add", $"risk-list:{entry.Id}",
            $"{entry.List} {entry.SubjectMasked}, source {entry.Source}, reason: {entry.Reason}");
        return entry;
    }

    /// <summary>Lists a subject by the engine's key (a case decision listing the device it saw).</summary>
    public async Task<RiskListEntryRow> AddKeyAsync(string list, string key, string masked, string reason, string source,
        DateTimeOffset? expiresAt, string listedBy, CancellationToken cancellationToken)
    {
        var entry = new RiskListEntryRow
        {
            Id = Guid.CreateVersion7(), List = list, SubjectKey = key, SubjectMasked = masked, Reason = reason, Source = source,
            ListedAt = clock.UtcNow, ExpiresAt = expiresAt?.ToUniversalTime(), ListedBy = listedBy,
        };
        await using (var db = database.CreateContext())
        {
            db.Add(entry);
            await db.SaveChangesAsync(cancellationToken);
        }
        await ReloadAsync(CancellationToken.None);
        return entry;
    }

    /// <summary>An operator ends an entry (kept, with who and why; audited).</summary>
    public async Task<RiskListEntryRow?> RemoveAsync(Guid id, string reason, Lifecycle.OperatorActor by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(by);
        await using var db = database.CreateContext();
        var entry = await db.Set<RiskListEntryRow>().FirstOrDefaultAsync(e => e.Id == id, cancellationToken);
        if (entry is null || entry.RemovedAt is not null)
        {
            return entry;
        }
        (entry.RemovedAt, entry.RemovedBy, entry.RemovalReason) = (clock.UtcNow, by.CreatedBy, reason);
        await db.SaveChangesAsync(cancellationToken);
        await ReloadAsync(CancellationToken.None);
        await audit.AppendAsync(by.Username, by.Role, "risk-list.remove", $"risk-list:{id}", $"{entry.List} {entry.SubjectMasked}, reason: {reason}");
        return entry;
    }

    public async Task<IReadOnlyList<RiskListEntryRow>> ListAsync(string? list, bool activeOnly, int limit, CancellationToken cancellationToken)
    {
        var now = clock.UtcNow;
        await using var db = database.CreateContext();
        var query = db.Set<RiskListEntryRow>().AsNoTracking();
        if (list is not null)
        {
            query = query.Where(e => e.List == list);
        }
        if (activeOnly)
        {
            query = query.Where(e => e.RemovedAt == null && (e.ExpiresAt == null || e.ExpiresAt > now));
        }
        return await query.OrderByDescending(e => e.ListedAt).Take(limit).ToListAsync(cancellationToken);
    }
}
