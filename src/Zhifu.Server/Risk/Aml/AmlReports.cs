using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;

namespace Zhifu.Server.Risk.Aml;

/// <summary>A stored report without its file, as the list shows it.</summary>
public sealed record AmlReportSummary(Guid Id, DateOnly Day, string Kind, int Version, bool Current, DateTimeOffset GeneratedAt,
    string GeneratedBy, int RowCount, bool Truncated, string Sha256, int SizeBytes);

/// <summary>
/// The stored reports (RISK-6): one per day, kind and version. The worker makes version 1 once; an operator's regeneration
/// adds the next version, which becomes the current one. Replicas may race for a version: the unique (day, kind, version)
/// index lets one win and the other try the next number.
/// </summary>
public sealed class AmlReports(DatabaseOptions database, AmlReportBuilder builder, Security.AuditLog audit, IClock clock,
    ILogger<AmlReports> logger)
{
    private const int VersionRacesMax = 3;
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>An operator's regeneration of a day's reports (one kind or all): each a new version, each audited with its reason.</summary>
    public async Task<List<AmlReportRow>> RegenerateAsync(DateOnly day, string? kind, string reason, Lifecycle.OperatorActor by,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(by);
        var made = new List<AmlReportRow>();
        foreach (var k in kind is { } one ? [one] : AmlReportBuilder.Kinds)
        {
            var row = (await GenerateAsync(day, k, by.CreatedBy, onlyIfMissing: false, ct))!;
            await audit.AppendAsync(by.Username, by.Role, "aml.generate", $"aml-report:{row.Id}",
                $"{k} {day:yyyy-MM-dd} v{row.Version}, {row.RowCount} rows, sha256 {row.Sha256}, reason: {reason}");
            made.Add(row);
        }
        return made;
    }

    /// <summary>Builds and stores the next version; with <paramref name="onlyIfMissing"/>, nothing (null) when one exists.</summary>
    public async Task<AmlReportRow?> GenerateAsync(DateOnly day, string kind, string generatedBy, bool onlyIfMissing, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                await using var db = database.CreateContext();
                var latest = await db.Set<AmlReportRow>().Where(r => r.Day == day && r.Kind == kind)
                    .MaxAsync(r => (int?)r.Version, ct) ?? 0;
                if (onlyIfMissing && latest > 0)
                {
                    return null;
                }
                var built = await builder.BuildAsync(day, kind, ct);
                var row = new AmlReportRow
                {
                    Id = Guid.CreateVersion7(), Day = day, Kind = kind, Version = latest + 1, GeneratedAt = clock.UtcNow,
                    GeneratedBy = generatedBy, RowCount = built.RowCount, Truncated = built.Truncated,
                    Sha256 = Convert.ToHexStringLower(SHA256.HashData(built.Content)), Content = built.Content,
                };
                db.Add(row);
                try
                {
                    await db.SaveChangesAsync(ct);
                }
                catch (DbUpdateException) when (attempt < VersionRacesMax)
                {
                    continue; // another replica stored this version first
                }
                if (row.Truncated)
                {
                    logger.LogWarning("AML report {Kind} {Day} v{Version} was cut short by a limit", kind, day, row.Version);
                }
                return row;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<(List<AmlReportSummary> Reports, bool More)> ListAsync(DateOnly? day, string? kind, int limit, int offset,
        CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var all = db.Set<AmlReportRow>().AsNoTracking();
        var page = await all.Where(r => (day == null || r.Day == day) && (kind == null || r.Kind == kind))
            .OrderByDescending(r => r.Day).ThenBy(r => r.Kind).ThenByDescending(r => r.Version).Skip(offset).Take(limit + 1)
            .Select(r => new AmlReportSummary(r.Id, r.Day, r.Kind, r.Version,
                !all.Any(o => o.Day == r.Day && o.Kind == r.Kind && o.Version > r.Version), r.GeneratedAt, r.GeneratedBy, r.RowCount,
                r.Truncated, r.Sha256, r.Content.Length))
            .ToListAsync(ct);
        return (page.Take(limit).ToList(), page.Count > limit);
    }

    public async Task<AmlReportRow?> FindAsync(Guid id, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.Set<AmlReportRow>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct);
    }

    /// <summary>The China day the first wallet was opened: no report is due before it.</summary>
    /// <summary>The days in [<paramref name="from"/>, <paramref name="to"/>] that lack a report of some kind, oldest first.</summary>
    public async Task<List<DateOnly>> DaysMissingAsync(DateOnly from, DateOnly to, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var made = (await db.Set<AmlReportRow>().Where(r => r.Day >= from && r.Day <= to).Select(r => new { r.Day, r.Kind }).Distinct()
            .ToListAsync(ct)).GroupBy(r => r.Day).Where(g => g.Count() >= AmlReportBuilder.Kinds.Length).Select(g => g.Key).ToHashSet();
        var missing = new List<DateOnly>();
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            if (!made.Contains(day))
            {
                missing.Add(day);
            }
        }
        return missing;
    }

    public async Task<DateOnly?> FirstCustomerDayAsync(CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var first = await db.Users.MinAsync(u => (DateTimeOffset?)u.CreatedAt, ct);
        return first is { } at ? DateOnly.FromDateTime(ChinaTime.ToChina(at).DateTime) : null;
    }
}
