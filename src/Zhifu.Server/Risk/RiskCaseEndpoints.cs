using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Hosting;
using Zhifu.Server.Lifecycle;
using Zhifu.Server.Security;

namespace Zhifu.Server.Risk;

/// <summary>Operator API for risk cases (RISK-4): risk staff list, assign, annotate and decide; audit reads.</summary>
public static class RiskCaseEndpoints
{
    public sealed record AssignRequest(string? Assignee);
    public sealed record NoteRequest(string? Text);
    public sealed record DecideRequest(string? Decision, string? Note);
    public sealed record NoteDto(string Author, string Text, string At);
    public sealed record CaseDto(Guid Id, string Kind, string BusinessKind, Guid BusinessId, Guid UserId, long AmountFen, string Amount,
        string Summary, string Status, string? AssignedTo, string? Decision, string? DecidedBy, string? DecidedAt, string CreatedAt,
        string Deadline, bool Overdue);
    public sealed record CaseDetailDto(CaseDto Case, RiskRuleEndpoints.DecisionDto? Decision, IReadOnlyList<NoteDto> Notes);

    public static void Map(RouteGroupBuilder risk)
    {
        ArgumentNullException.ThrowIfNull(risk);
        var write = OperatorLifecycleEndpoints.Roles("risk");
        risk.MapGet("/cases", ListAsync).RequireAuthorization(OperatorLifecycleEndpoints.Roles("risk", "audit"));
        risk.MapGet("/cases/{id:guid}", DetailAsync).RequireAuthorization(OperatorLifecycleEndpoints.Roles("risk", "audit"));
        risk.MapPost("/cases/{id:guid}/assign", async (Guid id, AssignRequest r, ClaimsPrincipal p, RiskCases cases, IClock clock,
            RiskOptions options, HttpContext h) =>
        {
            var by = OperatorActor.Of(p);
            var assignee = r.Assignee?.Trim() is { Length: > 0 and <= 64 } a ? a : by.Username;
            return Answer(await cases.AssignAsync(id, assignee, by, h.RequestAborted), clock, options, h);
        }).RequireAuthorization(write);
        risk.MapPost("/cases/{id:guid}/notes", async (Guid id, NoteRequest r, ClaimsPrincipal p, RiskCases cases, HttpContext h) =>
        {
            if (r.Text?.Trim() is not { Length: > 0 and <= 1000 } text)
            {
                return RiskErrors.NoteInvalid.ToResult(h);
            }
            var note = await cases.NoteAsync(id, OperatorActor.Of(p).CreatedBy, text, h.RequestAborted);
            return note is null ? RiskErrors.CaseNotFound.ToResult(h)
                : Results.Created($"/api/ops/risk/cases/{id}", new NoteDto(note.Author, note.Text, ChinaTime.Format(note.At)));
        }).RequireAuthorization(write);
        risk.MapPost("/cases/{id:guid}/decide", async (Guid id, DecideRequest r, ClaimsPrincipal p, RiskCases cases, IClock clock,
            RiskOptions options, HttpContext h) =>
        {
            if (r.Decision is not (RiskCases.Release or RiskCases.Void or RiskCases.Legitimate or RiskCases.Fraud))
            {
                return RiskErrors.CaseDecisionInvalid.ToResult(h);
            }
            if (r.Note is { Length: > 1000 })
            {
                return RiskErrors.NoteInvalid.ToResult(h);
            }
            var by = OperatorActor.Of(p);
            var outcome = await cases.DecideAsync(id, r.Decision, by, h.RequestAborted);
            if (outcome.ErrorCode is null && r.Note?.Trim() is { Length: > 0 } note)
            {
                await cases.NoteAsync(id, by.CreatedBy, note, CancellationToken.None);
            }
            return Answer(outcome, clock, options, h);
        }).RequireAuthorization(write);
    }

    private static IResult Answer(CaseOutcome outcome, IClock clock, RiskOptions options, HttpContext context) =>
        outcome.ErrorCode is { } code ? RiskErrors.ForCase(code).ToResult(context) : Results.Ok(Dto(outcome.Case!, clock.UtcNow, options));

    private static async Task<IResult> ListAsync(string? status, string? kind, Guid? userId, int? limit, DatabaseOptions database,
        IClock clock, RiskOptions options, HttpContext context)
    {
        if (ApiProblem.PageLimit(context, limit, 500) is { } tooMany)
        {
            return tooMany;
        }
        await using var db = database.CreateContext();
        var query = db.Set<RiskCaseRow>().AsNoTracking();
        query = status is not null ? query.Where(c => c.Status == status) : query;
        query = kind is not null ? query.Where(c => c.Kind == kind) : query;
        query = userId is { } u ? query.Where(c => c.UserId == u) : query;
        var rows = await query.OrderByDescending(c => c.CreatedAt).Take(limit ?? 50).ToListAsync(context.RequestAborted);
        return Results.Ok(rows.Select(c => Dto(c, clock.UtcNow, options)).ToList());
    }

    private static async Task<IResult> DetailAsync(Guid id, DatabaseOptions database, RiskDecisionLog log, IClock clock, RiskOptions options,
        HttpContext context)
    {
        await log.DrainAsync(context.RequestAborted);
        await using var db = database.CreateContext();
        var row = await db.Set<RiskCaseRow>().AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, context.RequestAborted);
        if (row is null)
        {
            return RiskErrors.CaseNotFound.ToResult(context);
        }
        var decision = await db.Set<RiskDecisionRow>().AsNoTracking().FirstOrDefaultAsync(d => d.Id == row.DecisionId, context.RequestAborted);
        var notes = await db.Set<RiskCaseNoteRow>().AsNoTracking().Where(n => n.CaseId == id).OrderBy(n => n.At).Take(500)
            .ToListAsync(context.RequestAborted);
        return Results.Ok(new CaseDetailDto(Dto(row, clock.UtcNow, options), decision is null ? null : RiskRuleEndpoints.Dto(decision),
            notes.Select(n => new NoteDto(n.Author, n.Text, ChinaTime.Format(n.At))).ToList()));
    }

    private static CaseDto Dto(RiskCaseRow c, DateTimeOffset now, RiskOptions options)
    {
        var deadline = c.CreatedAt.AddHours(options.CaseDeadlineHours);
        return new(c.Id, c.Kind, c.BusinessKind, c.BusinessId, c.UserId, c.AmountFen, new Money(c.AmountFen).ToString(), c.Summary, c.Status,
            c.AssignedTo, c.Decision, c.DecidedBy, c.DecidedAt is { } d ? ChinaTime.Format(d) : null, ChinaTime.Format(c.CreatedAt),
            ChinaTime.Format(deadline), c.Status != RiskCases.Decided && now > deadline);
    }
}
