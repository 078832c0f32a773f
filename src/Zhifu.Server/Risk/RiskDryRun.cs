using Microsoft.EntityFrameworkCore;
using Zhifu.Data;
using Zhifu.Data.Entities;

namespace Zhifu.Server.Risk;

/// <summary>One movement a proposed rule would have caught.</summary>
public sealed record DryRunHit(Guid DecisionId, Guid BusinessId, string Kind, string At, long AmountFen, string RecordedAction, string Reason);

/// <summary>What a proposed rule would have done to recent traffic.</summary>
public sealed record DryRunReport(int Evaluated, int Hits, string Action, IReadOnlyList<DryRunHit> Samples);

/// <summary>
/// 试运行 (RISK-2 "testable against recent traffic before switching on"): replays the recorded movements of the last
/// <see cref="RiskOptions.DryRunDecisionsMax"/> decisions, oldest first, through a proposed rule with velocity windows of
/// its own, and reports how many it would have caught. Profiles and lists are today's (a profile-type rule is judged
/// against what the user's habits are now).
/// </summary>
public sealed class RiskDryRun(DatabaseOptions database, RiskLists lists, RiskProfiles profiles, RiskDecisionLog log, RiskOptions options)
{
    public const int SamplesMax = 50;

    public async Task<DryRunReport> RunAsync(RiskRule rule, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rule);
        await log.DrainAsync(cancellationToken);
        List<RiskDecisionRow> rows;
        await using (var db = database.CreateContext())
        {
            rows = await db.Set<RiskDecisionRow>().AsNoTracking().OrderByDescending(d => d.At).Take(options.DryRunDecisionsMax)
                .ToListAsync(cancellationToken);
        }
        rows.Reverse();
        // The windows learn what the live ones do (RiskWorker's rebuild): movements that passed, held ones a case released,
        // each once at its newest such decision.
        HashSet<Guid> released;
        await using (var db = database.CreateContext())
        {
            var ids = rows.Where(d => d.Action == "review").Select(d => d.Id).ToList();
            released = [.. await db.Set<RiskCaseRow>().AsNoTracking().Where(c => c.Decision == RiskCases.Release && ids.Contains(c.DecisionId))
                .Select(c => c.DecisionId).ToListAsync(cancellationToken)];
        }
        bool Counts(RiskDecisionRow d) => d.Action is "allow" or "step-up" || released.Contains(d.Id);
        var countedAt = new Dictionary<Guid, Guid>();
        foreach (var d in rows.Where(Counts))
        {
            countedAt[d.BusinessId] = d.Id; // the last one wins
        }
        var windows = new VelocityWindows();
        var keep = rule.Type == RiskRuleTypes.Velocity ? rule.Window : TimeSpan.FromDays(1);
        var set = new RiskRuleSet([rule with { Mode = "active" }]);
        var samples = new List<DryRunHit>();
        var hits = 0;
        foreach (var d in rows)
        {
            var e = d.Event();
            var profile = await profiles.GetAsync(d.UserId, cancellationToken);
            var decision = RiskEngine.Evaluate(e, profile, set, lists.Snapshot, windows, options);
            if (decision.Hits.Count > 0)
            {
                hits++;
                if (samples.Count < SamplesMax)
                {
                    samples.Add(new DryRunHit(d.Id, d.BusinessId, d.Kind, Core.ChinaTime.Format(d.At), d.AmountFen, d.Action,
                        decision.Hits[0].Reason));
                }
            }
            if (countedAt.GetValueOrDefault(d.BusinessId) == d.Id)
            {
                RiskEngine.Remember(e, windows, keep, e.At);
            }
        }
        return new DryRunReport(rows.Count, hits, RiskActions.Name(rule.Action), samples);
    }
}
