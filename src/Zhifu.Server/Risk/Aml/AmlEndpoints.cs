using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Zhifu.Core;
using Zhifu.Server.Accounts;
using Zhifu.Server.Hosting;
using Zhifu.Server.Lifecycle;
using Zhifu.Server.Security;

namespace Zhifu.Server.Risk.Aml;

/// <summary>
/// The operators' AML report routes (RISK-6): risk and audit staff list and download the reports, risk staff regenerate a
/// day's reports as a new version. Generation and every download are in the audit log (SEC-1).
/// </summary>
public static class AmlEndpoints
{
    private const int OffsetMax = 10_000;

    public sealed record GenerateRequest(string? Day, string? Kind, string? Reason);
    public sealed record ReportDto(Guid Id, string Day, string Kind, int Version, bool Current, string GeneratedAt, string GeneratedBy,
        int RowCount, bool Truncated, string Sha256, int SizeBytes, string FileName, string Download);
    public sealed record ReportPage(IReadOnlyList<ReportDto> Reports, int? NextOffset);
    public sealed record GeneratedDto(IReadOnlyList<ReportDto> Reports);

    public static void Map(WebApplication app)
    {
        var group = app.MapGroup("/api/ops/risk/aml/reports").WithTags("Operator: AML reports");
        group.MapGet("", ListAsync).RequireAuthorization(OperatorLifecycleEndpoints.Roles("risk", "audit"));
        group.MapPost("", GenerateAsync).RequireAuthorization(OperatorLifecycleEndpoints.Roles("risk"));
        group.MapGet("/{id:guid}/file", DownloadAsync).RequireAuthorization(OperatorLifecycleEndpoints.Roles("risk", "audit"));
    }

    private static async Task<IResult> ListAsync(string? day, string? kind, int? limit, int? offset, AmlReports reports, AmlOptions options,
        HttpContext context)
    {
        DateOnly? parsedDay = null;
        if (day is not null)
        {
            if (ParseDay(day) is not { } d)
            {
                return AmlErrors.InvalidDay.ToResult(context);
            }
            parsedDay = d;
        }
        if (kind is not null && !AmlReportBuilder.Kinds.Contains(kind))
        {
            return AmlErrors.InvalidKind.ToResult(context);
        }
        if (ApiProblem.PageLimit(context, limit, options.PageSizeMax) is { } badLimit)
        {
            return badLimit;
        }
        if (offset is < 0 or > OffsetMax)
        {
            return AmlErrors.InvalidOffset.ToResult(context);
        }
        var size = limit ?? Math.Min(20, options.PageSizeMax);
        var (page, more) = await reports.ListAsync(parsedDay, kind, size, offset ?? 0, context.RequestAborted);
        return Results.Ok(new ReportPage([.. page.Select(ToDto)], more ? (offset ?? 0) + size : null));
    }

    private static async Task<IResult> GenerateAsync(GenerateRequest request, ClaimsPrincipal principal, AmlReports reports,
        AmlOptions options, IClock clock, HttpContext context)
    {
        if (ParseDay(request.Day) is not { } day)
        {
            return AmlErrors.InvalidDay.ToResult(context);
        }
        if (Unreportable(day, options, clock) is { } refused)
        {
            return refused.ToResult(context);
        }
        if (request.Kind is not null && !AmlReportBuilder.Kinds.Contains(request.Kind))
        {
            return AmlErrors.InvalidKind.ToResult(context);
        }
        if (LifecycleInput.Reason(request.Reason) is not { } reason)
        {
            return LifecycleErrors.ReasonRequired.ToResult(context);
        }
        var made = await reports.RegenerateAsync(day, request.Kind, reason, OperatorActor.Of(principal), context.RequestAborted);
        return Results.Created("/api/ops/risk/aml/reports?day=" + Text(day), new GeneratedDto([.. made.Select(row => ToDto(new AmlReportSummary(
            row.Id, row.Day, row.Kind, row.Version, true, row.GeneratedAt, row.GeneratedBy, row.RowCount, row.Truncated, row.Sha256,
            row.Content.Length)))]));
    }

    private static async Task<IResult> DownloadAsync(Guid id, ClaimsPrincipal principal, AmlReports reports, AuditLog audit,
        HttpContext context)
    {
        if (await reports.FindAsync(id, context.RequestAborted) is not { } row)
        {
            return AmlErrors.ReportNotFound.ToResult(context);
        }
        var by = OperatorActor.Of(principal);
        await audit.AppendAsync(by.Username, by.Role, "aml.download", $"aml-report:{row.Id}",
            $"{row.Kind} {Text(row.Day)} v{row.Version}, sha256 {row.Sha256}");
        context.Response.Headers["X-Content-SHA256"] = row.Sha256;
        return Results.File(row.Content, "text/csv; charset=utf-8", FileName(row.Kind, row.Day, row.Version));
    }

    /// <summary>Why a day cannot be reported (yet, or any more), or null.</summary>
    public static Accounts.WalletError? Unreportable(DateOnly day, AmlOptions options, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        var today = DateOnly.FromDateTime(ChinaTime.ToChina(clock.UtcNow).DateTime);
        return day >= today ? AmlErrors.DayNotOver : day < today.AddDays(-options.RetroactiveDaysMax) ? AmlErrors.DayTooOld : null;
    }

    public static DateOnly? ParseDay(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;

    private static string Text(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string FileName(string kind, DateOnly day, int version) => $"zhifu-aml-{kind}-{Text(day)}-v{version}.csv";

    private static ReportDto ToDto(AmlReportSummary r) => new(r.Id, Text(r.Day), r.Kind, r.Version, r.Current,
        ChinaTime.Format(r.GeneratedAt), r.GeneratedBy, r.RowCount, r.Truncated, r.Sha256, r.SizeBytes, FileName(r.Kind, r.Day, r.Version),
        $"/api/ops/risk/aml/reports/{r.Id}/file");
}
