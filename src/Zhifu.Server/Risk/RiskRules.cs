using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;

namespace Zhifu.Server.Risk;

/// <summary>A rule as an operator writes it (RISK-2).</summary>
public sealed record RiskRuleDefinition(string Type, string Kinds, string ParametersJson, string Action, int Score, string Mode,
    string Description);

/// <summary>
/// 风控规则 (RISK-2): rules are rows, changed by operators without a redeploy. A change writes a new version (the old ones
/// stay, so a decision's "R003 v2" always means the same thing) and swaps the engine's rule set at once.
/// </summary>
public sealed class RiskRules(DatabaseOptions database, Security.AuditLog audit, IClock clock)
{
    public const int RulesMax = 500;

    private volatile RiskRuleSet _current = RiskRuleSet.Empty;

    public RiskRuleSet Current => _current;

    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext();
        var rows = await db.Set<RiskRuleRow>().AsNoTracking().ToListAsync(cancellationToken);
        var latest = rows.GroupBy(r => r.RuleId).Select(g => g.MaxBy(r => r.Version)!).OrderBy(r => r.RuleId, StringComparer.Ordinal);
        var rules = new List<RiskRule>();
        foreach (var r in latest)
        {
            var (rule, _) = RiskRule.Compile(r.RuleId, r.Version, r.Type, r.Kinds, r.ParametersJson, r.Action, r.Score, r.Mode,
                r.Description);
            if (rule is not null && rule.Mode != "off")
            {
                rules.Add(rule); // every stored version compiled when it was written; a row that no longer does is left out
            }
        }
        _current = new RiskRuleSet(rules);
    }

    /// <summary>The error of a put whose expected version is no longer the rule's latest.</summary>
    public const string VersionChanged = "RISK_RULE_CHANGED";

    /// <summary>Writes a new version of <paramref name="ruleId"/> (version 1 when new); the error when it does not compile, or
    /// <see cref="VersionChanged"/> when <paramref name="expectedVersion"/> (the version the editor read; 0: a new rule) is not
    /// the latest any more — another operator's edit in between is not silently undone.</summary>
    public async Task<(RiskRuleRow? Row, string? Error)> PutAsync(string ruleId, RiskRuleDefinition d, Lifecycle.OperatorActor by,
        CancellationToken cancellationToken, int? expectedVersion = null)
    {
        ArgumentNullException.ThrowIfNull(by);
        ArgumentNullException.ThrowIfNull(d);
        var (_, error) = RiskRule.Compile(ruleId, 1, d.Type, d.Kinds, d.ParametersJson, d.Action, d.Score, d.Mode, d.Description);
        if (error is not null)
        {
            return (null, error);
        }
        await using var db = database.CreateContext();
        var version = await db.Set<RiskRuleRow>().Where(r => r.RuleId == ruleId).Select(r => (int?)r.Version).MaxAsync(cancellationToken);
        if (expectedVersion is { } expected && expected != (version ?? 0))
        {
            return (null, VersionChanged);
        }
        if (version is null && await db.Set<RiskRuleRow>().Select(r => r.RuleId).Distinct().CountAsync(cancellationToken) >= RulesMax)
        {
            return (null, $"at most {RulesMax} rules");
        }
        var row = new RiskRuleRow
        {
            RuleId = ruleId, Version = (version ?? 0) + 1, Type = d.Type, Kinds = d.Kinds, ParametersJson = d.ParametersJson,
            Action = d.Action, Score = d.Score, Mode = d.Mode, Description = d.Description, CreatedBy = by.CreatedBy, CreatedAt = clock.UtcNow,
        };
        db.Add(row);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return (null, "another operator changed this rule at the same moment; read it again"); // same (rule, version) key
        }
        await ReloadAsync(CancellationToken.None);
        await audit.AppendAsync(by.Username, by.Role, "risk-rule.put", $"risk-rule:{ruleId}",
            $"v{row.Version} {row.Type} [{row.Kinds}] {row.ParametersJson} → {row.Action} ({row.Score}), {row.Mode}");
        return (row, null);
    }

    /// <summary>Every version of every rule (or of one), newest first within a rule.</summary>
    public async Task<IReadOnlyList<RiskRuleRow>> HistoryAsync(string? ruleId, CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext();
        var query = db.Set<RiskRuleRow>().AsNoTracking();
        if (ruleId is not null)
        {
            query = query.Where(r => r.RuleId == ruleId);
        }
        var rows = await query.Take(RulesMax * 20).ToListAsync(cancellationToken);
        return [.. rows.OrderBy(r => r.RuleId, StringComparer.Ordinal).ThenByDescending(r => r.Version)];
    }

    /// <summary>The starter rule set of a fresh install (RISK-2); operators tune or switch off each one.</summary>
    public async Task SeedDefaultsAsync(CancellationToken cancellationToken)
    {
        await using (var db = database.CreateContext())
        {
            if (await db.Set<RiskRuleRow>().AnyAsync(cancellationToken))
            {
                return;
            }
        }
        foreach (var (id, d) in Defaults)
        {
            await PutAsync(id, d, new Lifecycle.OperatorActor("system", "system"), cancellationToken);
        }
    }

    public static readonly IReadOnlyList<(string Id, RiskRuleDefinition Rule)> Defaults =
    [
        ("R001", new("amount", "transfer,withdrawal", """{"minFen":5000000}""", "review", 50,
            "active", "单笔 ¥50,000 及以上的转账、提现人工审核 / single transfer or withdrawal of ¥50,000 or more is reviewed")),
        ("R002", new("velocity", "payment,transfer,passwordless", """{"subject":"user","windowMinutes":10,"maxCount":20}""", "step-up", 30,
            "active", "10 分钟内超过 20 笔付款或转账需加强验证 / more than 20 payments or transfers in 10 minutes steps up")),
        ("R003", new("velocity", "transfer,withdrawal", """{"subject":"user","windowMinutes":1440,"maxSumFen":20000000}""", "review", 50,
            "active", "24 小时转出超过 ¥200,000 人工审核 / more than ¥200,000 out in 24 hours is reviewed")),
        ("R004", new("new-device", "*", "{}", "step-up", 40,
            "active", "新设备交易需加强验证 / a movement from a new device steps up")),
        ("R005", new("location-change", "*", "{}", "step-up", 20,
            "active", "异地交易需加强验证 / a movement from a new region steps up")),
        ("R006", new("time-of-day", "transfer,withdrawal", """{"fromHour":0,"toHour":5}""", "step-up", 20,
            "active", "凌晨 0–5 点转出需加强验证 / transfers and withdrawals between 00:00 and 05:00 step up")),
        ("R007", new("merchant-risk", "payment,passwordless", """{"levels":["high"]}""", "step-up", 30,
            "active", "高风险商户付款需加强验证 / paying a high-risk merchant steps up")),
        ("R008", new("list-hit", "*", """{"lists":["account","device","card","merchant","payee"]}""", "block", 150,
            "active", "命中风险名单拦截 / a subject on a risk list is blocked")),
        ("R009", new("profile", "*", """{"minScore":40}""", "step-up", 30,
            "active", "偏离用户习惯需加强验证 / a departure from the user's habits steps up")),
        ("R010", new("profile", "*", """{"minScore":80}""", "review", 60,
            "active", "严重偏离用户习惯人工审核 / a strong departure from habit is reviewed")),
    ];
}
