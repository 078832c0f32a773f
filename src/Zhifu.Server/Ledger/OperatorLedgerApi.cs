using Zhifu.Core;
using Zhifu.Core.Ledger;
using Zhifu.Data;
using Zhifu.Data.Ledger;
using Zhifu.Server.Security;

namespace Zhifu.Server.Ledger;

/// <summary>The ledger as finance and audit see it: the invariant check (SET-1) and the institution's own accounts.</summary>
public static class OperatorLedgerApi
{
    public static void Map(WebApplication app)
    {
        var group = app.MapGroup("/api/ops/ledger").WithTags("Ledger").RequireAuthorization(p => p
            .AddAuthenticationSchemes(OperatorAuth.Scheme).RequireRole("finance", "audit"));
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

    private static List<InstitutionAccountDto> InstitutionAccounts(InstitutionChart chart, ILedger ledger) =>
        chart.All.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv =>
        {
            var a = ledger.GetAccount(kv.Value);
            var balance = a is null ? 0 : AccountCodes.IsAsset(a.Value.Code) ? a.Value.PostedDebitBalance : a.Value.PostedCreditBalance;
            return new InstitutionAccountDto(kv.Key, kv.Value, a?.Code.ToString() ?? "?", balance, new Money(balance).ToString());
        }).ToList();
}
