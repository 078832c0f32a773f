using System.Security.Claims;
using Zhifu.Core;
using Zhifu.Server.Accounts;

namespace Zhifu.Server.Lifecycle;

/// <summary>The holder's lifecycle routes (ACC-4, ACC-6): restrictions, loss freeze, unfreeze, closure, reactivation.</summary>
public static class WalletLifecycleEndpoints
{
    public sealed record CodeRequest(string? Purpose);
    public sealed record ConfirmRequest(string? PaymentPassword, string? Otp);
    public sealed record ReactivateRequest(string? PaymentPassword, string? Otp, string? IdNumber);
    public sealed record RestrictionDto(string Kind, string Code, string Zh, string En, string Reason, string Since, string? Until,
        bool CounterBusinessAllowed);
    public sealed record RestrictionsDto(bool CanTransact, IReadOnlyList<RestrictionDto> Restrictions);
    public sealed record FrozenDto(string Kind, string Since);
    public sealed record ClosedDto(string ClosedAt);

    public static void Map(WebApplication app)
    {
        var me = app.MapGroup("/api/wallet/me").WithTags("Wallet: lifecycle").RequireAuthorization(WalletSessions.Scheme);
        me.MapGet("/restrictions", RestrictionsAsync);
        me.MapPost("/lifecycle/otp", SendCodeAsync);
        // Loss freeze needs nothing but a session: the phone (and its SMS codes) may be in someone else's hands.
        me.MapPost("/freeze", async (ClaimsPrincipal u, AccountFreezes freezes, HttpContext h) =>
        {
            var (freeze, error) = await freezes.FreezeByHolderAsync(u.UserId(), u.SessionId(), h.RequestAborted);
            return error?.ToResult(h) ?? Results.Ok(new FrozenDto(freeze!.Kind, ChinaTime.Format(freeze.CreatedAt)));
        });
        me.MapPost("/unfreeze", async (ConfirmRequest r, ClaimsPrincipal u, AccountFreezes freezes, HttpContext h) =>
            Done(h, await freezes.UnfreezeByHolderAsync(u.UserId(), r.PaymentPassword, r.Otp, h.RequestAborted)));
        me.MapPost("/close", async (ConfirmRequest r, ClaimsPrincipal u, AccountClosure closure, HttpContext h) =>
        {
            var (closedAt, error) = await closure.CloseAsync(u.UserId(), r.PaymentPassword, r.Otp, h.RequestAborted);
            return error?.ToResult(h) ?? Results.Ok(new ClosedDto(ChinaTime.Format(closedAt!.Value)));
        });
        me.MapPost("/reactivate", async (ReactivateRequest r, ClaimsPrincipal u, Reactivation reactivation, HttpContext h) =>
        {
            var idNumber = LifecycleInput.IdNumber(r.IdNumber);
            if (r.IdNumber is not null && idNumber is null)
            {
                return LifecycleErrors.InvalidIdNumber.ToResult(h);
            }
            return Done(h, await reactivation.ReactivateAsync(u.UserId(), r.PaymentPassword, r.Otp, idNumber, h.RequestAborted));
        });
    }

    /// <summary>What stops the holder's business now, in Chinese and English; who placed it stays on the operator's side.</summary>
    public static RestrictionDto ToDto(ActiveRestriction r)
    {
        var (zh, en) = RestrictionKinds.Describe(r.Kind);
        return new RestrictionDto(r.Kind, LifecycleErrors.For(r.Kind).Code, zh, en, r.Reason, ChinaTime.Format(r.Since),
            r.Until is { } until ? ChinaTime.Format(until) : null, !r.Blocks(Business.CounterOut));
    }

    private static IResult Done(HttpContext context, WalletError? error) => error?.ToResult(context) ?? Results.NoContent();

    private static async Task<IResult> RestrictionsAsync(ClaimsPrincipal principal, WalletAccounts accounts,
        AccountRestrictions restrictions, HttpContext context)
    {
        var user = (await accounts.FindAsync(principal.UserId(), context.RequestAborted))!;
        var active = await restrictions.ActiveAsync(user, context.RequestAborted);
        return Results.Ok(new RestrictionsDto(active.Count == 0, [.. active.Select(ToDto)]));
    }

    private static async Task<IResult> SendCodeAsync(CodeRequest request, ClaimsPrincipal principal, WalletAccounts accounts,
        WalletCredentials credentials, OneTimeCodes codes, HttpContext context)
    {
        if (request.Purpose is null || !HolderConfirmation.Purposes.Contains(request.Purpose))
        {
            return WalletErrors.InvalidPurpose.ToResult(context);
        }
        var user = (await accounts.FindAsync(principal.UserId(), context.RequestAborted))!;
        var error = await codes.SendAsync(credentials.PhoneOf(user), request.Purpose, context.RequestAborted);
        return error?.ToResult(context) ?? Results.Accepted();
    }
}
