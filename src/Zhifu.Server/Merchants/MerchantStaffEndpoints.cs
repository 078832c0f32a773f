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
/// operations creates a new merchant's first admin from the Operator API. Audited.
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
        group.MapPost("", (NewStaff request, ClaimsPrincipal user, MerchantStaff staff, AuditLog audit, HttpContext h) =>
            CreateAsync(user.MerchantId(), request, "merchant:" + user.Identity!.Name, "admin", staff, audit, h));
        group.MapPut("/{username}", async (string username, StaffChange change, ClaimsPrincipal user, MerchantStaff staff, AuditLog audit,
            HttpContext h) =>
        {
            if (change.Role is not null && !MerchantStaffAuth.Roles.Contains(change.Role))
            {
                return InvalidRole(h);
            }
            if (username == user.Identity!.Name && change.Disable == true)
            {
                return ApiProblem.Create(h, 409, "STAFF_SELF", "不能停用自己的账号", "You cannot disable your own account");
            }
            var (row, refusal) = await staff.ChangeAsync(user.MerchantId(), username, change.Role, change.Disable == true,
                h.RequestAborted);
            if (refusal is not null)
            {
                return refusal == "STAFF_NOT_FOUND" ? ApiProblem.Create(h, 404, refusal, "员工不存在", "No such staff member")
                    : ApiProblem.Create(h, 409, refusal, "商户须至少保留一名启用的管理员", "The merchant must keep at least one enabled admin");
            }
            await audit.AppendAsync("merchant:" + user.Identity!.Name, "admin", "merchant.staff.change", username,
                $"role {row!.Role} disabled {row.DisabledAt is not null}", h.RequestAborted);
            return Results.Ok(new StaffDto(row.Username, row.Role, row.MustChangePassword, row.DisabledAt is not null,
                ChinaTime.Format(row.CreatedAt)));
        });

        app.MapPost("/api/ops/merchants/{mchid}/staff", async (string mchid, NewStaff request, ClaimsPrincipal user,
            DatabaseOptions database, MerchantStaff staff, AuditLog audit, HttpContext h) =>
        {
            await using var db = database.CreateContext();
            var merchant = await db.Merchants.AsNoTracking().FirstOrDefaultAsync(m => m.MchId == mchid, h.RequestAborted);
            if (merchant is not { Status: MerchantRow.Active })
            {
                return ApiProblem.Create(h, 404, "MERCHANT_NOT_FOUND", "商户不存在或未生效", "No such active merchant");
            }
            var actor = OperatorActor.Of(user);
            return await CreateAsync(merchant.Id, request, actor.Username, actor.Role, staff, audit, h);
        }).WithTags("Operator: merchants").RequireAuthorization(OperatorLifecycleEndpoints.Roles("operations"));
    }

    private static async Task<IResult> CreateAsync(Guid merchantId, NewStaff request, string actor, string actorRole, MerchantStaff staff,
        AuditLog audit, HttpContext h)
    {
        if (!MerchantStaff.IsUsername(request.Username))
        {
            return ApiProblem.Create(h, 400, "INVALID_USERNAME", "用户名须为 3–32 位小写字母、数字或 -_.", "The username must be 3–32 of a-z 0-9 - _ .",
                "username");
        }
        if (!MerchantStaffAuth.Roles.Contains(request.Role))
        {
            return InvalidRole(h);
        }
        var (row, password, refusal) = await staff.CreateAsync(merchantId, request.Username!, request.Role!, h.RequestAborted);
        if (refusal is not null)
        {
            return refusal == "STAFF_FULL"
                ? ApiProblem.Create(h, 409, refusal, $"员工账号已达上限 {MerchantStaff.StaffMax} 个",
                    $"At most {MerchantStaff.StaffMax} staff accounts")
                : ApiProblem.Create(h, 409, refusal, "该用户名已被使用", "That username is taken", "username");
        }
        await audit.AppendAsync(actor, actorRole, "merchant.staff.create", row!.Username, row.Role, h.RequestAborted);
        return Results.Ok(new CreatedStaff(row.Username, row.Role, password!));
    }

    private static IResult InvalidRole(HttpContext h) =>
        ApiProblem.Create(h, 400, "INVALID_ROLE", "角色须为 admin、finance 或 cashier", "The role must be admin, finance or cashier", "role");
}
