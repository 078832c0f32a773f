using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;

namespace Zhifu.Server.Risk;

/// <summary>
/// The behavioural profiles (RISK-2) in memory, loaded on a user's first movement and written back in batches by the
/// profile worker, so the decision itself never waits on the database once a user is known.
/// </summary>
public sealed class RiskProfiles(DatabaseOptions database, IClock clock, RiskOptions options)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly ConcurrentDictionary<Guid, Entry> _profiles = new();
    private readonly ConcurrentDictionary<Guid, byte> _dirty = new();

    public int Cached => _profiles.Count;

    public async ValueTask<BehaviourProfile> GetAsync(Guid userId, CancellationToken cancellationToken)
    {
        if (_profiles.TryGetValue(userId, out var cached))
        {
            cached.LastUsed = clock.UtcNow.UtcTicks;
            return cached.Profile;
        }
        await using var db = database.CreateContext();
        var row = await db.Set<RiskProfileRow>().AsNoTracking().FirstOrDefaultAsync(p => p.UserId == userId, cancellationToken);
        var profile = row is null ? new BehaviourProfile() : JsonSerializer.Deserialize<BehaviourProfile>(row.StateJson, Json)!;
        return _profiles.GetOrAdd(userId, _ => new Entry(profile) { LastUsed = clock.UtcNow.UtcTicks }).Profile;
    }

    /// <summary>The profile learns a completed movement (RISK-2, fed back by RISK-4 decisions too).</summary>
    public async ValueTask ObserveAsync(RiskEvent e, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(e);
        var profile = await GetAsync(e.UserId, cancellationToken);
        lock (profile)
        {
            profile.Observe(e);
        }
        _dirty[e.UserId] = 0;
    }

    /// <summary>Writes the changed profiles and drops the least recently used beyond the bound; the profile worker's round.</summary>
    public async Task<int> FlushAsync(CancellationToken cancellationToken)
    {
        var ids = _dirty.Keys.Take(5_000).ToList();
        if (ids.Count > 0)
        {
            await using var db = database.CreateContext();
            var existing = await db.Set<RiskProfileRow>().Where(p => ids.Contains(p.UserId)).ToDictionaryAsync(p => p.UserId, cancellationToken);
            foreach (var id in ids)
            {
                _dirty.TryRemove(id, out _);
                if (!_profiles.TryGetValue(id, out var entry))
                {
                    continue;
                }
                string state;
                lock (entry.Profile)
                {
                    state = JsonSerializer.Serialize(entry.Profile, Json);
                }
                if (existing.TryGetValue(id, out var row))
                {
                    (row.StateJson, row.UpdatedAt) = (state, clock.UtcNow);
                }
                else
                {
                    db.Add(new RiskProfileRow { UserId = id, StateJson = state, UpdatedAt = clock.UtcNow });
                }
            }
            await db.SaveChangesAsync(cancellationToken);
        }
        var over = _profiles.Count - options.ProfilesCachedMax;
        if (over > 0)
        {
            foreach (var (id, _) in _profiles.Where(p => !_dirty.ContainsKey(p.Key)).OrderBy(p => p.Value.LastUsed).Take(over).ToList())
            {
                _profiles.TryRemove(id, out _);
            }
        }
        return ids.Count;
    }

    private sealed class Entry(BehaviourProfile profile)
    {
        public BehaviourProfile Profile { get; } = profile;
        public long LastUsed { get; set; }
    }
}
