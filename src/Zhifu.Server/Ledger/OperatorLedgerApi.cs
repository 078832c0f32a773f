using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Ledger;
using Zhifu.Server.Security;

namespace Zhifu.Server.Ledger;

/// <summary>The ledger as finance and audit see it: the invariant check (SET-1) and the institution's own accounts.</summary>
public static class OperatorLedgerApi
{
    /// <summary>Who may see the institution's books and check them: finance and audit (the operator console's finance pages
    /// use the same constant).</summary>
    public const string ReaderRoles = "finance,audit";

    public static void Map(WebApplication app)
    {
        var group = app.MapGroup("/api/ops/ledger").WithTags("Ledger").RequireAuthorization(p => p
            .AddAuthenticationSchemes(OperatorAuth.Scheme).RequireRole(ReaderRoles.Split(',')));
        group.MapGet("/verify", VerifyAsync);
        group.MapGet("/institution-accounts", InstitutionAccounts);
    }

    /// <summary>One invariant's outcome.</summary>
    public sealed record CheckDto(string Name, bool Holds, string Detail);

    /// <summary>The verification report.</summary>
    public sealed record VerifyDto(bool AllHold, IReadOnlyList<CheckDto> Checks, IReadOnlyDictionary<string, long> TotalsFen);

    /// <summary>An institution account and its balance.</summary>
    public sealed record InstitutionAccountDto(string Key, Guid AccountId, string Code, long BalanceFen, string Balance);

    private static async Task<VerifyDto> VerifyAsync(DatabaseOptions database, CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext();
        var report = await new LedgerVerifier(db).VerifyAsync(cancellationToken);
        return new VerifyDto(report.AllHold, report.Checks.Select(c => new CheckDto(c.Name, c.Holds, c.Detail)).ToList(),
            report.Totals.ToDictionary(t => t.Name, t => t.Fen));
    }

    private static List<InstitutionAccountDto> InstitutionAccounts(InstitutionChart chart) =>
        [.. chart.Balances().Select(b => new InstitutionAccountDto(b.Key, b.AccountId, b.Code?.ToString() ?? "?", b.BalanceFen,
            new Money(b.BalanceFen).ToString()))];
}
