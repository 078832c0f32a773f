using System.Security.Claims;
using Zhifu.Core;
using Zhifu.Server.Notifications;
using Zhifu.Server.Security;

namespace Zhifu.Server.Accounts;

/// <summary>
/// Operator-assisted opening (ACC-1: business hall / call centre): operations or customer-service staff open a wallet
/// for a holder who accepted the agreement in person; the initial password goes to the holder's phone by SMS and must be
/// changed (ACC-7). Audited (SEC-1).
/// </summary>
public static class OperatorAccountEndpoints
{
    public sealed record AssistedOpeningRequest(string? Phone, bool HolderAcceptedAgreement, string? Ticket);
    public sealed record OpenedDto(Guid UserId, string Phone, string OpenedVia);

    public static void Map(WebApplication app)
    {
        var group = app.MapGroup("/api/ops/accounts").WithTags("Operator: accounts")
            .RequireAuthorization(p => p.AddAuthenticationSchemes(OperatorAuth.Scheme).RequireRole("operations", "service"));
        group.MapPost("", OpenAsync);
    }

    private static async Task<IResult> OpenAsync(AssistedOpeningRequest request, ClaimsPrincipal principal, WalletAccounts accounts,
        PasswordHasher passwords, ISmsGateway sms, AuditLog audit, AccountsOptions options, HttpContext context)
    {
        if (!CredentialRules.IsPhone(request.Phone))
        {
            return WalletErrors.InvalidPhone.ToResult(context);
        }
        if (!request.HolderAcceptedAgreement)
        {
            return WalletErrors.AgreementRequired.ToResult(context);
        }
        if (request.Ticket is not { Length: > 0 and <= 64 })
        {
            return Hosting.ApiProblem.Create(context, 400, "TICKET_REQUIRED", "请填写业务受理单号", "Give the service ticket number");
        }
        var initial = Security.StaffPasswords.NewInitial();
        var (user, error) = await accounts.OpenAsync(new OpeningRequest(request.Phone!, OpeningChannels.Counter, options.AgreementVersion,
            passwords.Hash(initial), MustChangeLoginPassword: true, DeviceId: null), context.RequestAborted);
        if (error is not null)
        {
            return error.ToResult(context);
        }
        await sms.SendAsync(request.Phone!, "account", $"【知付】工作人员已为您开通知付钱包。初始登录密码 {initial}，请登录后立即修改。",
            context.RequestAborted);
        var masked = PersonalDataMask.Phone(request.Phone);
        await audit.AppendAsync(principal.Identity!.Name!, principal.FindFirstValue(ClaimTypes.Role)!, "account.open-assisted",
            $"user:{user!.Id}", $"phone {masked}, ticket {request.Ticket}");
        return Results.Created($"/api/ops/accounts/{user.Id}", new OpenedDto(user.Id, masked, OpeningChannels.Counter));
    }
}
