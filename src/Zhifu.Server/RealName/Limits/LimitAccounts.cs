using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Core.Ledger;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Ledger;

namespace Zhifu.Server.RealName.Limits;

/// <summary>
/// The class limits' allowances (ACC-2): per wallet and period one control account on the fen limit ledger, credited with
/// the class's allowance from one issuer account and debited by each use. A class change (or a new configured limit) moves
/// the allowance by the difference, exactly once (<see cref="AllowanceAccounts{TRow, TKey}"/>).
/// </summary>
public sealed class LimitAccounts(DatabaseOptions database, ILedger ledger, AccountClassRegulation regulation, IClock clock)
    : AllowanceAccounts<BalanceLimitPeriodRow, (Guid UserId, int Period)>(database, ledger, clock)
{
    /// <summary>The one issuer of class allowance, on the fen limit ledger.</summary>
    public static readonly AllowanceIssuer Issuer = new(new("00000000-0000-7000-8000-00000000a11e"), AllowanceLedgers.Fen);

    protected override string Name => "limit";

    protected override ushort AdjustmentCode => RealNameTransferCodes.BalanceLimitAllowance;

    protected override IReadOnlyList<AllowanceIssuer> Issuers { get; } = [Issuer];

    /// <summary>The period's row, created if new, its allowance set for <paramref name="accountClass"/>.</summary>
    public Task<BalanceLimitPeriodRow> ReadyAsync(Guid userId, int period, int accountClass, CancellationToken cancellationToken) =>
        ReadyPeriodAsync((userId, period), LimitPeriods.AllowanceFen(period, accountClass, regulation), cancellationToken);

    protected override AllowanceIssuer IssuerFor(BalanceLimitPeriodRow row) => Issuer;

    protected override Task<BalanceLimitPeriodRow?> FindAsync(ZhifuDb db, (Guid UserId, int Period) key,
        CancellationToken cancellationToken) => ByKey.For(db)(db, key.UserId, key.Period, cancellationToken);

    private static readonly ModelCompiled<Func<ZhifuDb, Guid, int, CancellationToken, Task<BalanceLimitPeriodRow?>>> ByKey =
        new(() => EF.CompileAsyncQuery((ZhifuDb db, Guid userId, int period, CancellationToken ct) =>
            db.Set<BalanceLimitPeriodRow>().FirstOrDefault(p => p.UserId == userId && p.PeriodYear == period)));

    protected override BalanceLimitPeriodRow NewRow((Guid UserId, int Period) key) =>
        new() { UserId = key.UserId, PeriodYear = key.Period };
}
