using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Core.Ledger;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Ledger;

namespace Zhifu.Server.Transfers;

/// <summary>
/// The allowances of the agreed transfer limits (TRF-1), the same balance-bounds mechanism as ACC-2's class limits
/// (<see cref="AllowanceAccounts{TRow, TKey}"/>): per wallet, limit and period one control account, credited with the agreed
/// limit and debited by a leg linked to each transfer. Amount limits live on the fen limit ledger, the daily count on the
/// count ledger (one unit per transfer). A changed agreement moves the allowance by the difference, exactly once.
/// </summary>
public sealed class TransferLimitLedger(DatabaseOptions database, ILedger ledger, IClock clock)
    : AllowanceAccounts<TransferLimitPeriodRow, (Guid UserId, string Metric, int PeriodKey)>(database, ledger, clock)
{
    public const string DailyAmount = "daily-amount";
    public const string DailyCount = "daily-count";
    public const string YearlyAmount = "yearly-amount";

    private static readonly AllowanceIssuer AmountIssuer = new(new("00000000-0000-7000-8000-0000000a7f01"), AllowanceLedgers.Fen);
    private static readonly AllowanceIssuer CountIssuer = new(new("00000000-0000-7000-8000-0000000a7f02"), AllowanceLedgers.Count);

    protected override string Name => "transfer limit";

    protected override ushort AdjustmentCode => WalletTransferCodes.TransferLimitAllowance;

    protected override IReadOnlyList<AllowanceIssuer> Issuers { get; } = [AmountIssuer, CountIssuer];

    public static int LedgerOf(string metric) => IssuerOfMetric(metric).Ledger;

    public static Guid IssuerOf(string metric) => IssuerOfMetric(metric).AccountId;

    /// <summary>The period of a metric at an instant: yyyyMMdd of the China day, or the China year.</summary>
    public static int PeriodKeyOf(string metric, DateTimeOffset instant)
    {
        var china = ChinaTime.ToChina(instant);
        return metric == YearlyAmount ? china.Year : china.Year * 10_000 + china.Month * 100 + china.Day;
    }

    /// <summary>When a period starts afresh: the next 00:00 in Asia/Shanghai (of the next day or the next year).</summary>
    public static DateTimeOffset ResetsAt(string metric, int periodKey)
    {
        var start = metric == YearlyAmount
            ? new DateTime(periodKey + 1, 1, 1, 0, 0, 0, DateTimeKind.Unspecified)
            : new DateTime(periodKey / 10_000, periodKey / 100 % 100, periodKey % 100, 0, 0, 0, DateTimeKind.Unspecified).AddDays(1);
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(start, ChinaTime.Zone), TimeSpan.Zero);
    }

    /// <summary>The period's row for now, created if new, its allowance set to <paramref name="target"/>.</summary>
    public Task<TransferLimitPeriodRow> ReadyAsync(Guid userId, string metric, long target, CancellationToken cancellationToken) =>
        ReadyPeriodAsync((userId, metric, PeriodKeyOf(metric, Clock.UtcNow)), target, cancellationToken);

    protected override AllowanceIssuer IssuerFor(TransferLimitPeriodRow row) => IssuerOfMetric(row.Metric);

    protected override Task<TransferLimitPeriodRow?> FindAsync(ZhifuDb db, (Guid UserId, string Metric, int PeriodKey) key,
        CancellationToken cancellationToken) => ByKey.For(db)(db, key.UserId, key.Metric, key.PeriodKey, cancellationToken);

    private static readonly ModelCompiled<Func<ZhifuDb, Guid, string, int, CancellationToken, Task<TransferLimitPeriodRow?>>> ByKey =
        new(() => EF.CompileAsyncQuery((ZhifuDb db, Guid userId, string metric, int periodKey, CancellationToken ct) =>
            db.Set<TransferLimitPeriodRow>().FirstOrDefault(p => p.UserId == userId && p.Metric == metric && p.PeriodKey == periodKey)));

    protected override TransferLimitPeriodRow NewRow((Guid UserId, string Metric, int PeriodKey) key) =>
        new() { UserId = key.UserId, Metric = key.Metric, PeriodKey = key.PeriodKey };

    private static AllowanceIssuer IssuerOfMetric(string metric) => metric == DailyCount ? CountIssuer : AmountIssuer;
}
