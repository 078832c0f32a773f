using System.Security.Claims;
using Zhifu.Core;
using Zhifu.Server.Accounts;
using Zhifu.Server.Security;

namespace Zhifu.Server.Lifecycle;

/// <summary>
/// Operators' lifecycle routes (ACC-6, SEC-1): freeze and unfreeze for a risk or legal reason, and the counter recovery of
/// a wallet whose number the carrier took — each audited.
/// </summary>
public static class OperatorLifecycleEndpoints
{
    public sealed record ReasonRequest(string? Reason);

    /// <param name="Basis"><c>risk</c> (风控, the default) or <c>legal</c> (司法).</param>
    public sealed record FreezeRequest(string? Reason, string? Basis);
    public sealed record RebindRequest(string? Phone, string? IdNumber, string? Ticket);
    public sealed record FrozenDto(Guid UserId, string Kind, string Reason, string Since, string By);
    public sealed record ReboundDto(Guid UserId, string Phone);

    public static void Map(WebApplication app)
    {
        var accounts = app.MapGroup("/api/ops/accounts/{userId}").WithTags("Operator: account lifecycle");
        accounts.MapPost("/freeze", FreezeAsync).RequireAuthorization(Roles("risk", "operations", "service"));
        accounts.MapPost("/unfreeze", UnfreezeAsync).RequireAuthorization(Roles("risk", "operations", "service"));
        accounts.MapPost("/rebind-phone", RebindAsync).RequireAuthorization(Roles("operations", "service"));
    }

    internal static Action<Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder> Roles(params string[] roles) =>
        p => p.AddAuthenticationSchemes(OperatorAuth.Scheme).RequireRole(roles);

    private static async Task<IResult> FreezeAsync(Guid userId, FreezeRequest request, ClaimsPrincipal principal, AccountFreezes freezes,
        HttpContext context)
    {
        if (LifecycleInput.Reason(request.Reason) is not { } reason)
        {
            return LifecycleErrors.ReasonRequired.ToResult(context);
        }
        if (LegalBasis(request.Basis) is not { } legal)
        {
            return LifecycleErrors.InvalidFreezeBasis.ToResult(context);
        }
        var (freeze, error) = await freezes.FreezeByOperatorAsync(userId, reason, legal, OperatorActor.Of(principal), context.RequestAborted);
        return error?.ToResult(context)
            ?? Results.Ok(new FrozenDto(userId, freeze!.Kind, freeze.Reason, ChinaTime.Format(freeze.CreatedAt), freeze.CreatedBy));
    }

    private static async Task<IResult> UnfreezeAsync(Guid userId, FreezeRequest request, ClaimsPrincipal principal, AccountFreezes freezes,
        HttpContext context)
    {
        if (LifecycleInput.Reason(request.Reason) is not { } reason)
        {
            return LifecycleErrors.ReasonRequired.ToResult(context);
        }
        if (LegalBasis(request.Basis) is not { } legal)
        {
            return LifecycleErrors.InvalidFreezeBasis.ToResult(context);
        }
        var error = await freezes.UnfreezeByOperatorAsync(userId, reason, legal, OperatorActor.Of(principal), context.RequestAborted);
        return error?.ToResult(context) ?? Results.NoContent();
    }

    /// <summary>Whether a freeze's basis is legal (司法); null when it is neither risk nor legal.</summary>
    internal static bool? LegalBasis(string? basis) => basis switch
    {
        null or "" or "risk" => false,
        "legal" => true,
        _ => null,
    };

    private static async Task<IResult> RebindAsync(Guid userId, RebindRequest request, ClaimsPrincipal principal,
        NumberDetachment detachment, HttpContext context)
    {
        if (!CredentialRules.IsPhone(request.Phone))
        {
            return WalletErrors.InvalidPhone.ToResult(context);
        }
        var idNumber = LifecycleInput.IdNumber(request.IdNumber);
        if (request.IdNumber is not null && idNumber is null)
        {
            return LifecycleErrors.InvalidIdNumber.ToResult(context);
        }
        if (request.Ticket?.Trim() is not { Length: > 0 and <= 64 } ticket)
        {
            return LifecycleErrors.TicketRequired.ToResult(context);
        }
        var by = OperatorActor.Of(principal);
        var error = await detachment.RebindAsync(userId, request.Phone!, idNumber, ticket, by, context.RequestAborted);
        return error?.ToResult(context) ?? Results.Ok(new ReboundDto(userId, PersonalDataMask.Phone(request.Phone)));
    }
}
