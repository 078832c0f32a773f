using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Hosting;
using Zhifu.Server.Lifecycle;
using Zhifu.Server.Security;

namespace Zhifu.Server.Merchants;

/// <summary>
/// Merchants in the Operator API (MER-1, SEC-1, SEC-2): operations enters a merchant, risk approves or rejects it (not the
/// same person), risk or operations change its terms and suspend or resume it; every role may read them, masked. Every change
/// is audited.
/// </summary>
public static class OperatorMerchantEndpoints
{
    public const int PageMax = 100;

    /// <summary>Who changes an active merchant's terms (its limits and eligibility, the face-pay whitelist among them).</summary>
    public const string TermsRoles = "risk,operations";

    public sealed record MerchantSummaryDto(string MchId, string Name, string Status, string RiskLevel, string? Mcc, string CreatedAt);

    public sealed record MerchantDto(string MchId, string Name, string Status, string? LicenceNo, string LegalPersonName,
        string LegalPersonIdNumber, string? Mcc, string RiskLevel, int FeeRatePpm, string? SettlementBank, string? SettlementAccountName,
        string SettlementAccount, bool PasswordlessEligible, bool FacePayEligible, long SinglePaymentLimitFen, bool RefundReviewRequired,
        string? AppliedBy, string? ReviewedBy, string? ReviewNote, string CreatedAt, long PasswordlessPerPaymentFen = 0,
        long PasswordlessDailyFen = 0);

    public sealed record ReviewRequest(string? Note);

    public static void Map(WebApplication app)
    {
        var group = app.MapGroup("/api/ops/merchants").WithTags("Operator: merchants");
        var anyRole = OperatorLifecycleEndpoints.Roles(OperatorAuth.Roles);
        group.MapPost("", ApplyAsync).RequireAuthorization(OperatorLifecycleEndpoints.Roles("operations"));
        group.MapGet("", ListAsync).RequireAuthorization(anyRole);
        group.MapGet("/{mchid}", async (string mchid, DatabaseOptions database, PersonalData personal, HttpContext h) =>
        {
            await using var db = database.CreateContext();
            var row = await db.Merchants.AsNoTracking().FirstOrDefaultAsync(m => m.MchId == mchid, h.RequestAborted);
            return row is null ? NotFound(h) : Results.Ok(await DetailAsync(db, row, personal, h.RequestAborted));
        }).RequireAuthorization(anyRole);
        group.MapPost("/{mchid}/approve", (string mchid, ReviewRequest? body, ClaimsPrincipal user, IServiceProvider s, HttpContext h) =>
            ReviewAsync(mchid, true, body?.Note, user, s, h)).RequireAuthorization(OperatorLifecycleEndpoints.Roles("risk"));
        group.MapPost("/{mchid}/reject", (string mchid, ReviewRequest? body, ClaimsPrincipal user, IServiceProvider s, HttpContext h) =>
            ReviewAsync(mchid, false, body?.Note, user, s, h)).RequireAuthorization(OperatorLifecycleEndpoints.Roles("risk"));
        group.MapPut("/{mchid}/terms", SetTermsAsync).RequireAuthorization(OperatorLifecycleEndpoints.Roles(TermsRoles.Split(',')));
        group.MapPost("/{mchid}/suspend", (string mchid, SuspensionRequest? body, ClaimsPrincipal user, IServiceProvider s, HttpContext h) =>
            SuspendAsync(mchid, true, body, user, s, h)).RequireAuthorization(OperatorLifecycleEndpoints.Roles(TermsRoles.Split(',')));
        group.MapPost("/{mchid}/resume", (string mchid, SuspensionRequest? body, ClaimsPrincipal user, IServiceProvider s, HttpContext h) =>
            SuspendAsync(mchid, false, body, user, s, h)).RequireAuthorization(OperatorLifecycleEndpoints.Roles(TermsRoles.Split(',')));
    }

    /// <summary>Why a merchant is suspended or resumed (1–256 characters, in the audit log).</summary>
    public sealed record SuspensionRequest(string? Reason);

    private static async Task<IResult> SuspendAsync(string mchid, bool suspend, SuspensionRequest? body, ClaimsPrincipal user,
        IServiceProvider services, HttpContext h)
    {
        if (LifecycleInput.Reason(body?.Reason) is not { } reason)
        {
            return LifecycleErrors.ReasonRequired.ToResult(h);
        }
        var (row, refusal) = await services.GetRequiredService<MerchantOnboarding>().SetSuspendedAsync(mchid, suspend, reason,
            OperatorActor.Of(user), h.RequestAborted);
        return await AnswerAsync(row, refusal, services, h);
    }

    /// <summary>The merchant as it now is, or the refusal: 404 for an unknown one, else as <see cref="MerchantOnboarding.Explain"/> says.</summary>
    private static async Task<IResult> AnswerAsync(MerchantRow? row, string? refusal, IServiceProvider services, HttpContext h)
    {
        if (refusal == "MERCHANT_NOT_FOUND")
        {
            return NotFound(h);
        }
        if (refusal is not null)
        {
            var (status, zh, en) = MerchantOnboarding.Explain(refusal);
            return ApiProblem.Create(h, status, refusal, zh, en);
        }
        await using var db = services.GetRequiredService<DatabaseOptions>().CreateContext();
        return Results.Ok(await DetailAsync(db, row!, services.GetRequiredService<PersonalData>(), h.RequestAborted));
    }

    private static async Task<IResult> ApplyAsync(MerchantApplication? application, ClaimsPrincipal user, MerchantOnboarding onboarding,
        DatabaseOptions database, PersonalData personal, HttpContext h)
    {
        if (application is null)
        {
            return ApiProblem.Create(h, 400, "MERCHANT_INVALID", "请填写商户进件信息", "The merchant's application is required");
        }
        var (row, problems) = await onboarding.SubmitAsync(application, OperatorActor.Of(user), h.RequestAborted);
        if (row is null)
        {
            var (field, zh, en) = problems[0]; // the API names the first wrong field, as it always has
            return ApiProblem.Create(h, 400, "MERCHANT_INVALID_FIELD", zh, en, field);
        }
        await using var db = database.CreateContext();
        return Results.Created($"/api/ops/merchants/{row.MchId}", await DetailAsync(db, row, personal, h.RequestAborted));
    }

    private static async Task<IResult> ListAsync(string? status, int? limit, DatabaseOptions database, HttpContext h)
    {
        if (ApiProblem.PageLimit(h, limit, PageMax) is { } tooMany)
        {
            return tooMany;
        }
        int? wanted = status switch { null => null, "pending" => 0, "active" => 1, "rejected" => 2, "suspended" => 3, _ => -1 };
        if (wanted == -1)
        {
            return ApiProblem.Create(h, 400, "INVALID_STATUS", "status 须为 pending、active、rejected 或 suspended",
                "status must be pending, active, rejected or suspended", "status");
        }
        await using var db = database.CreateContext();
        var query = db.Merchants.AsNoTracking();
        if (wanted is { } s)
        {
            query = query.Where(m => m.Status == s);
        }
        var rows = await query.OrderByDescending(m => m.CreatedAt).Take(limit ?? 20).ToListAsync(h.RequestAborted);
        return Results.Ok(rows.Select(m => new MerchantSummaryDto(m.MchId, m.Name, StatusName(m.Status), m.RiskLevel, m.Mcc,
            ChinaTime.Format(m.CreatedAt))));
    }

    private static async Task<IResult> ReviewAsync(string mchid, bool approve, string? note, ClaimsPrincipal user,
        IServiceProvider services, HttpContext h)
    {
        if (note?.Length > 200 || (!approve && string.IsNullOrWhiteSpace(note)))
        {
            return ApiProblem.Create(h, 400, "INVALID_REVIEW_NOTE", "驳回须写明原因，备注不超过 200 字",
                "A rejection needs a reason; notes are at most 200 characters", "note");
        }
        var (row, refusal) = await services.GetRequiredService<MerchantOnboarding>().ReviewAsync(mchid, approve, note, OperatorActor.Of(user),
            h.RequestAborted);
        return await AnswerAsync(row, refusal, services, h);
    }

    private static async Task<IResult> SetTermsAsync(string mchid, MerchantTerms terms, ClaimsPrincipal user, IServiceProvider services,
        HttpContext h)
    {
        if (terms.Problem() is { } problem)
        {
            return ApiProblem.Create(h, 400, "MERCHANT_INVALID_FIELD", problem.Zh, problem.En, problem.Field);
        }
        var (row, refusal) = await services.GetRequiredService<MerchantOnboarding>().ChangeTermsAsync(mchid, terms, OperatorActor.Of(user),
            h.RequestAborted);
        return await AnswerAsync(row, refusal, services, h);
    }

    public static async Task<MerchantDto> DetailAsync(ZhifuDb db, MerchantRow m, PersonalData personal, CancellationToken ct)
    {
        var credential = await db.Set<MerchantCredentialRow>().AsNoTracking().FirstOrDefaultAsync(c => c.MerchantId == m.Id, ct);
        string Unmask(byte[]? cipher, string purpose) => cipher is null ? "" : personal.Unprotect(cipher, purpose);
        return new MerchantDto(m.MchId, m.Name, StatusName(m.Status), m.LicenceNo,
            PersonalDataMask.Name(Unmask(m.LegalPersonNameCipher, MerchantOnboarding.LegalNamePurpose)),
            PersonalDataMask.IdNumber(Unmask(m.LegalPersonIdCipher, MerchantOnboarding.LegalIdPurpose)), m.Mcc, m.RiskLevel,
            credential?.FeeRatePpm ?? m.FeeRatePpmApplied, m.SettlementBank, m.SettlementAccountName,
            m.SettlementAccountLast4 is null ? "" : "**** **** " + m.SettlementAccountLast4, m.PasswordlessEligible, m.FacePayEligible,
            m.SinglePaymentLimitFen, m.RefundReviewRequired, m.AppliedBy, m.ReviewedBy, m.ReviewNote, ChinaTime.Format(m.CreatedAt),
            m.PasswordlessPerPaymentFen, m.PasswordlessDailyFen);
    }

    public static string StatusName(int status) => status switch { 0 => "pending", 1 => "active", 2 => "rejected", _ => "suspended" };

    private static IResult NotFound(HttpContext h) => ApiProblem.Create(h, 404, "MERCHANT_NOT_FOUND", "商户不存在", "No such merchant");
}
