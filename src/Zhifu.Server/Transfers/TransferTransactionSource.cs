using Microsoft.EntityFrameworkCore;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Statements;

namespace Zhifu.Server.Transfers;

/// <summary>
/// Transfers (TRF-1, TRF-2) as lines of the operators' transaction list: wallet to wallet and wallet to card, refused ones
/// included (their status says no money moved). The payee is shown as the payer was shown it: masked (ACC-8).
/// </summary>
public sealed class TransferTransactionSource : ITransactionSource
{
    public const string Kind = "transfer";

    private static readonly string[] KindList = [Kind, TransferStatementSource.ToCard];

    public IReadOnlyCollection<string> Kinds => KindList;

    public IQueryable<TransactionLine> Lines(ZhifuDb db)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Set<WalletTransferRow>().AsNoTracking().Select(t => new TransactionLine
        {
            Id = t.Id, Kind = t.Kind == WalletTransfers.KindCard ? TransferStatementSource.ToCard : Kind, Number = null,
            MerchantNumber = null, MchId = null, UserId = t.PayerUserId, Counterparty = t.PayeeMasked + " " + t.PayeeNameMasked,
            AmountFen = t.AmountFen, Status = t.Status,
            Outcome = t.Status == WalletTransfers.Succeeded ? TransactionOutcomes.Succeeded
                : t.Status == WalletTransfers.Failed || t.Status == WalletTransfers.Revoked ? TransactionOutcomes.Failed
                : TransactionOutcomes.Processing,
            At = t.CreatedAt,
        });
    }

    public async Task<TransactionHistory?> HistoryAsync(ZhifuDb db, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var t = await db.Set<WalletTransferRow>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        return t is null ? null : History(t);
    }

    private static TransactionHistory History(WalletTransferRow t)
    {
        var steps = new List<TransactionStep> { new(t.CreatedAt, "付款人提交转账", "Transfer submitted by the payer") };
        if (t.RiskReview)
        {
            steps.Add(new(t.CreatedAt, "风控审核暂扣", "Held by risk control for review"));
        }
        if (t.Status == WalletTransfers.Pending)
        {
            steps.AddIf(t.ArrivesAt, "预计到账（延时到账，可撤销）", "Due to arrive (delayed arrival, revocable)");
        }
        var (zh, en) = t.Status switch
        {
            WalletTransfers.Succeeded => ("已到账", "Arrived"),
            WalletTransfers.Revoked => ("已撤销，资金退回付款人", "Revoked: the money went back to the payer"),
            WalletTransfers.Failed => ($"失败：{t.FailureZh ?? t.FailureCode}", $"Failed: {t.FailureEn ?? t.FailureCode}"),
            _ => ("结束", "Resolved"),
        };
        steps.AddIf(t.ResolvedAt, zh, en);
        List<TransactionFact> facts =
        [
            new("到账方式", "Arrival", t.Arrival), new("本人账户", "Own account", t.OwnAccount ? "✓" : "—"),
            new("二次验证", "Second factor", t.Verification ?? "—"),
            new("大额确认", "Large amount confirmed", t.LargeAmountConfirmed ? "✓" : "—"),
        ];
        return new TransactionHistory([.. steps.OrderBy(s => s.At)], facts, t.FundMovementId is { } movement ? [movement] : []);
    }
}
