using System.Security.Claims;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Hosting;
using Zhifu.Server.Lifecycle;
using Zhifu.Server.Security;

namespace Zhifu.Server.Risk;

/// <summary>Operator API for rules (RISK-2) and decisions (RISK-1): risk staff change rules; risk and audit read.</summary>
public static class RiskRuleEndpoints
{
    /// <param name="ExpectedVersion">Optional: the version the change was made from (0 for a new rule); another version in force
    /// by now answers 409 RISK_RULE_CHANGED instead of replacing it.</param>
    public sealed record RuleRequest(string? Type, string? Kinds, JsonElement? Parameters, string? Action, int? Score, string? Mode,
        string? Description, int? ExpectedVersion = null);

    public sealed record RuleDto(string RuleId, int Version, string Type, string Kinds, JsonElement Parameters, string Action, int Score,
        string Mode, string Description, string CreatedBy, string CreatedAt);

    public sealed record DecisionDto(Guid Id, Guid BusinessId, string Kind, Guid UserId, long AmountFen, string Amount, string? MchId,
        string Action, int Score, IReadOnlyList<RiskHit> Hits, IReadOnlyList<RiskHit> DryRunHits, string At);

    public static void Map(RouteGroupBuilder risk)
    {
        ArgumentNullException.ThrowIfNull(risk);
        var read = OperatorLifecycleEndpoints.Roles("risk", "audit");
        var write = OperatorLifecycleEndpoints.Roles("risk");
        risk.MapGet("/rules", async (string? ruleId, RiskRules rules, HttpContext h) =>
            Results.Ok((await rules.HistoryAsync(ruleId, h.RequestAborted)).Select(Dto).ToList())).RequireAuthorization(read);
        risk.MapPut("/rules/{ruleId}", PutAsync).RequireAuthorization(write);
        risk.MapPost("/rules/dry-run", DryRunAsync).RequireAuthorization(write);
        risk.MapGet("/decisions", DecisionsAsync).RequireAuthorization(read);
    }

    private static async Task<IResult> PutAsync(string ruleId, RuleRequest request, ClaimsPrincipal principal, RiskRules rules,
        HttpContext context)
    {
        if (ruleId.Length is 0 or > 32 || !ruleId.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            return RiskErrors.InvalidRuleId.ToResult(context);
        }
        if (Definition(request) is not { } definition)
        {
            return Invalid(context, "type, kinds, parameters, action, score, mode and description (1–256) are required");
        }
        var (row, error) = await rules.PutAsync(ruleId, definition, OperatorActor.Of(principal), context.RequestAborted,
            request.ExpectedVersion);
        return error == RiskRules.VersionChanged
            ? ApiProblem.Create(context, 409, error, "该规则已被他人修改为新版本，请重新读取后再改", "The rule has a newer version by now; read it again")
            : error is not null ? Invalid(context, error) : Results.Ok(Dto(row!));
    }

    private static async Task<IResult> DryRunAsync(RuleRequest request, RiskDryRun dryRun, HttpContext context)
    {
        if (Definition(request) is not { } d)
        {
            return Invalid(context, "type, kinds, parameters, action, score, mode and description (1–256) are required");
        }
        var (rule, error) = RiskRule.Compile("DRY-RUN", 0, d.Type, d.Kinds, d.ParametersJson, d.Action, d.Score, d.Mode, d.Description);
        return error is not null ? Invalid(context, error) : Results.Ok(await dryRun.RunAsync(rule!, context.RequestAborted));
    }

    private static async Task<IResult> DecisionsAsync(Guid? userId, Guid? businessId, string? action, int? limit, DatabaseOptions database,
        HttpContext context)
    {
        if (ApiProblem.PageLimit(context, limit, 500) is { } tooMany)
        {
            return tooMany;
        }
        if (action is not null && RiskActions.Parse(action) is null)
        {
            return ApiProblem.Create(context, 400, "INVALID_ACTION", "action 须为 allow、step-up、review 或 block",
                "action is allow, step-up, review or block", "action");
        }
        await context.RequestServices.GetRequiredService<RiskDecisionLog>().DrainAsync(context.RequestAborted);
        await using var db = database.CreateContext();
        var query = db.Set<RiskDecisionRow>().AsNoTracking();
        query = userId is { } u ? query.Where(d => d.UserId == u) : query;
        query = businessId is { } b ? query.Where(d => d.BusinessId == b) : query;
        query = action is not null ? query.Where(d => d.Action == action) : query;
        var rows = await query.OrderByDescending(d => d.At).Take(limit ?? 50).ToListAsync(context.RequestAborted);
        return Results.Ok(rows.Select(Dto).ToList());
    }

    public static DecisionDto Dto(RiskDecisionRow d) => new(d.Id, d.BusinessId, d.Kind, d.UserId, d.AmountFen, new Money(d.AmountFen).ToString(),
        d.MchId, d.Action, d.Score, RiskDecisionLog.Hits(d.HitsJson), RiskDecisionLog.Hits(d.DryRunJson), ChinaTime.Format(d.At));

    private static RuleDto Dto(RiskRuleRow r) => new(r.RuleId, r.Version, r.Type, r.Kinds, JsonDocument.Parse(r.ParametersJson).RootElement,
        r.Action, r.Score, r.Mode, r.Description, r.CreatedBy, ChinaTime.Format(r.CreatedAt));

    private static RiskRuleDefinition? Definition(RuleRequest r) =>
        r.Type is null || r.Kinds is null || r.Parameters is not { ValueKind: JsonValueKind.Object } p || r.Action is null || r.Score is null
        || r.Mode is null || r.Description?.Trim() is not { Length: > 0 and <= 256 } description || p.GetRawText().Length > 2048
            ? null
            : new RiskRuleDefinition(r.Type, r.Kinds, p.GetRawText(), r.Action, r.Score.Value, r.Mode, description);

    private static IResult Invalid(HttpContext context, string detail) => ApiProblem.Create(context, 400, RiskErrors.InvalidRule.Code,
        $"{RiskErrors.InvalidRule.Zh}：{detail}", $"{RiskErrors.InvalidRule.En}: {detail}");
}
