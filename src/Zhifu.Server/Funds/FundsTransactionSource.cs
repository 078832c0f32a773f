using Microsoft.EntityFrameworkCore;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Statements;

namespace Zhifu.Server.Funds;

/// <summary>
/// Top-ups and withdrawals (CARD-2) as lines of the operators' transaction list, whatever the bank answered (CARD-4: an
/// unknown outcome stays visible until it is settled). A card transfer's bank leg is not a line of its own: the transfer's
/// line names it (one transfer, one line), as in the wallet statement.
/// </summary>
public sealed class FundsTransactionSource : ITransactionSource
{
    private static readonly string[] KindList = [FundMovements.TopUp, FundMovements.Withdrawal];

    public IReadOnlyCollection<string> Kinds => KindList;

    public IQueryable<TransactionLine> Lines(ZhifuDb db)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Set<FundMovementRow>().AsNoTracking()
            .Where(m => m.Kind == FundMovements.TopUp || m.Kind == FundMovements.Withdrawal)
            .Select(m => new TransactionLine
            {
                Id = m.Id, Kind = m.Kind, Number = m.BankTxnId, MerchantNumber = null, MchId = null, UserId = m.UserId,
                Counterparty = m.Bank + " " + m.CardMasked, AmountFen = m.AmountFen, Status = m.Status,
                Outcome = m.Status == FundMovements.Succeeded ? TransactionOutcomes.Succeeded
                    : m.Status == FundMovements.Failed ? TransactionOutcomes.Failed : TransactionOutcomes.Processing,
                At = m.CreatedAt,
            });
    }

    public async Task<TransactionHistory?> HistoryAsync(ZhifuDb db, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var m = await db.Set<FundMovementRow>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        return m is null ? null : History(m);
    }

    private static TransactionHistory History(FundMovementRow m)
    {
        var topUp = m.Kind == FundMovements.TopUp;
        var steps = new List<TransactionStep>
        {
            new(m.CreatedAt, topUp ? "资金暂扣，向银行请求扣款" : "资金暂扣，向银行请求入账", topUp ? "Held; the bank asked to debit the card"
                : "Held; the bank asked to credit the card"),
        };
        var (zh, en) = m.Status switch
        {
            FundMovements.Succeeded => ("银行处理成功，入账", "The bank succeeded; posted"),
            FundMovements.Failed => ($"银行处理失败，已撤销暂扣（{m.FailureCode}）", $"The bank failed; hold voided ({m.FailureCode})"),
            _ => ("结束", "Resolved"),
        };
        steps.AddIf(m.ResolvedAt, zh, en);
        List<TransactionFact> facts =
        [
            new("卡类型", "Card type", m.CardType), new("银行流水号", "Bank reference", m.BankTxnId ?? "—"),
            new("重发次数", "Resends", m.Resends.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ];
        return new TransactionHistory(steps, facts, []);
    }
}
