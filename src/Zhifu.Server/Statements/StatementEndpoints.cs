using System.Security.Claims;
using Zhifu.Core.Ledger;
using Zhifu.Server.Accounts;

namespace Zhifu.Server.Statements;

/// <summary>
/// The holder's balance and statement (账单): a frozen or restricted wallet still sees them — only money stops (ACC-6).
/// </summary>
public static class StatementEndpoints
{
    public static void Map(WebApplication app)
    {
        var me = app.MapGroup("/api/wallet/me").WithTags("Wallet: balance and statement").RequireAuthorization(WalletSessions.Scheme);
        me.MapGet("/balance", async (ClaimsPrincipal u, WalletAccounts accounts, ILedger ledger, HttpContext h) =>
            Results.Ok(StatementViews.Balance(ledger, (await accounts.FindAsync(u.UserId(), h.RequestAborted))!)));
        me.MapGet("/statement", async (ClaimsPrincipal u, WalletStatements statements, HttpContext h) =>
        {
            var (page, error) = await StatementViews.PageAsync(statements, u.UserId(), h.Request, h.RequestAborted);
            return error?.ToResult(h) ?? Results.Ok(page);
        });
        me.MapGet("/statement/{recordId}", async (string recordId, ClaimsPrincipal u, StatementDetails details, HttpContext h) =>
        {
            var (detail, error) = await details.FindAsync(u.UserId(), recordId, h.RequestAborted);
            return error?.ToResult(h) ?? Results.Ok(detail);
        });
    }
}
