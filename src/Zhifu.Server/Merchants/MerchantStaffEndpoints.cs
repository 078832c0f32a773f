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
/// Staff and roles (MER-5): the merchant's admin lists, creates (initial password shown once), re-roles and disables staff;
/// operations creates a new merchant's first admin from the Operator API — only an admin, and only while the merchant has no
/// enabled one: its other staff are its admin's to create (an operator minting admins at a live merchant could reset its keys,
/// redirect its callbacks and approve refunds as it). Audited.
/// </summary>
public static class MerchantStaffEndpoints
{
    public sealed record StaffDto(string Username, string Role, bool MustChangePassword, bool Disabled, string CreatedAt);

    public sealed record NewStaff(string? Username, string? Role);

    public sealed record CreatedStaff(string Username, string Role, string InitialPassword);

    public sealed record StaffChange(string? Role, bool? Disable);

    public static void Map(WebApplication app)
    {
        var group = app.MapGroup("/api/merchant/staff").WithTags("Merchant console: staff").RequireAuthorization(MerchantStaffAuth.Admins);
        group.MapGet("", async (ClaimsPrincipal user, DatabaseOptions database, HttpContext h) =>
        {
            var merchantId = user.MerchantId();
            await using var db = database.CreateContext();
            var rows = await db.Set<MerchantStaffRow>().AsNoTracking().Where(s => s.MerchantId == merchantId).OrderBy(s => s.Username)
                .Take(MerchantStaff.StaffMax).ToListAsync(h.RequestAborted);
            return Results.Ok(rows.Select(s => new StaffDto(s.Username, s.Role, s.MustChangePassword, s.DisabledAt is not null,
                ChinaTime.Format(s.CreatedAt))));
        });
        group.MapPost("", (NewStaff request, ClaimsPrincipal user, MerchantStaff staff, HttpContext h) =>
            CreateAsync(user.MerchantId(), request, "merchant:" + user.Identity!.Name, "admin", staff, h));
        group.MapPut("/{username}", async (string username, StaffChange change, ClaimsPrincipal user, MerchantStaff staff, HttpContext h) =>
        {
            var (row, refusal) = await staff.UpdateAsync(user.MerchantId(), username, change.Role, change.Disable, user.Identity!.Name!,
                h.RequestAborted);
            return refusal?.ToResult(h) ?? Results.Ok(new StaffDto(row!.Username, row.Role, row.MustChangePassword,
                row.DisabledAt is not null, ChinaTime.Format(row.CreatedAt)));
        });

        app.MapPost("/api/ops/merchants/{mchid}/staff", async (string mchid, NewStaff request, ClaimsPrincipal user,
            DatabaseOptions database, MerchantStaff staff, HttpContext h) =>
        {
            await using var db = database.CreateContext();
            var merchant = await db.Merchants.AsNoTracking().FirstOrDefaultAsync(m => m.MchId == mchid, h.RequestAborted);
            if (merchant is not { Status: MerchantRow.Active })
            {
                return ApiProblem.Create(h, 404, "MERCHANT_NOT_FOUND", "商户不存在或未生效", "No such active merchant");
            }
            if (request.Role != MerchantStaffAuth.AdminRole)
            {
                return ApiProblem.Create(h, 400, "INVALID_ROLE", "运营只能为商户开设首个管理员账号", "Operations only creates a merchant's first admin");
            }
            if (await db.Set<MerchantStaffRow>().AnyAsync(s => s.MerchantId == merchant.Id && s.Role == MerchantStaffAuth.AdminRole
                && s.DisabledAt == null, h.RequestAborted))
            {
                return ApiProblem.Create(h, 409, "MERCHANT_HAS_ADMIN", "该商户已有管理员，其他员工由商户管理员在商户后台添加",
                    "The merchant has an admin already; its admin adds other staff in the merchant console");
            }
            var actor = OperatorActor.Of(user);
            return await CreateAsync(merchant.Id, request, actor.Username, actor.Role, staff, h);
        }).WithTags("Operator: merchants").RequireAuthorization(OperatorLifecycleEndpoints.Roles("operations"));
    }

    private static async Task<IResult> CreateAsync(Guid merchantId, NewStaff request, string actor, string actorRole, MerchantStaff staff,
        HttpContext h)
    {
        var (row, password, refusal) = await staff.AddAsync(merchantId, request.Username, request.Role, actor, actorRole, h.RequestAborted);
        return refusal?.ToResult(h) ?? Results.Ok(new CreatedStaff(row!.Username, row.Role, password!));
    }
}
