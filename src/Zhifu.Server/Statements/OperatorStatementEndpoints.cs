using System.Security.Claims;
using Zhifu.Server.Accounts;
using Zhifu.Server.Lifecycle;
using Zhifu.Server.Security;

namespace Zhifu.Server.Statements;

/// <summary>
/// A wallet's statement as customer service sees it (SEC-1, SEC-2): the same lines and details the holder sees, for the
/// roles that answer the holder's questions. Reading someone's financial history is itself audited, one entry per page.
/// </summary>
public static class OperatorStatementEndpoints
{
    /// <summary>
    /// Who may read people's money movements — a wallet's statement here, the transaction list in the operator console: the
    /// roles that answer holders, run the business, investigate and audit (SEC-2). Finance works from the ledger instead.
    /// </summary>
    public const string ReaderRoles = "service,operations,risk,audit";

    private static readonly string[] Roles = ReaderRoles.Split(',');

    public static void Map(WebApplication app)
    {
        var user = app.MapGroup("/api/ops/users/{userId}").WithTags("Operator: statements")
            .RequireAuthorization(p => p.AddAuthenticationSchemes(OperatorAuth.Scheme).RequireRole(Roles));
        user.MapGet("/statement", PageAsync);
        user.MapGet("/statement/{recordId}", DetailAsync);
    }

    private static async Task<IResult> PageAsync(string userId, ClaimsPrincipal principal, WalletAccounts accounts,
        WalletStatements statements, AuditLog audit, HttpContext context)
    {
        var ct = context.RequestAborted;
        var (id, refusal) = await UserAsync(userId, accounts, ct);
        if (refusal is not null)
        {
            return refusal.ToResult(context);
        }
        var (page, error) = await StatementViews.PageAsync(statements, id, context.Request, ct);
        if (error is not null)
        {
            return error.ToResult(context);
        }
        var by = OperatorActor.Of(principal);
        await audit.AppendAsync(by.Username, by.Role, "user.statement", id.ToString(),
            $"{page!.Entries.Count} lines; {context.Request.QueryString.Value}");
        return Results.Ok(page);
    }

    private static async Task<IResult> DetailAsync(string userId, string recordId, ClaimsPrincipal principal, WalletAccounts accounts,
        StatementDetails details, AuditLog audit, HttpContext context)
    {
        var ct = context.RequestAborted;
        var (id, refusal) = await UserAsync(userId, accounts, ct);
        if (refusal is not null)
        {
            return refusal.ToResult(context);
        }
        var (detail, error) = await details.FindAsync(id, recordId, ct);
        if (error is not null)
        {
            return error.ToResult(context);
        }
        var by = OperatorActor.Of(principal);
        await audit.AppendAsync(by.Username, by.Role, "user.statement-entry", id.ToString(), $"record {detail!.Entry.RecordId}");
        return Results.Ok(detail);
    }

    private static async Task<(Guid Id, WalletError? Error)> UserAsync(string text, WalletAccounts accounts, CancellationToken ct)
    {
        if (text is not { Length: <= 64 } || !Guid.TryParse(text, out var id))
        {
            return (Guid.Empty, StatementErrors.BadUserId);
        }
        return await accounts.FindAsync(id, ct) is null ? (id, LifecycleErrors.UserNotFound) : (id, null);
    }
}
