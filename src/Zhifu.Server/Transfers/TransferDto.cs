using Zhifu.Core;
using Zhifu.Data.Entities;

namespace Zhifu.Server.Transfers;

/// <summary>
/// 转账回执 — a transfer as its payer (or, once arrived, its payee) sees it. A transfer that does not arrive in real time
/// says so, with the time it arrives and whether it can still be revoked (TRF-2, TRF-3).
/// </summary>
public sealed record TransferDto(Guid Id, string Kind, string Direction, string Status, long AmountFen, string Amount, string Payee,
    string PayeeName, string? Payer, string Arrival, string ArrivalNotice, string ArrivalNoticeEn, string? ArrivesAt, bool Revocable,
    string? Verification, bool LargeAmountConfirmed, string? Memo, string CreatedAt, string? ResolvedAt)
{
    public static TransferDto Of(WalletTransferRow t, Guid viewer) => new(t.Id, t.Kind, t.PayerUserId == viewer ? "out" : "in", t.Status,
        t.AmountFen, new Money(t.AmountFen).ToString(), t.PayeeMasked, t.PayeeNameMasked, t.PayerShown, t.Arrival,
        NoticeZh(t.Arrival, t.ArrivesAt), NoticeEn(t.Arrival, t.ArrivesAt), t.ArrivesAt is { } a ? ChinaTime.Format(a) : null,
        t.PayerUserId == viewer && t.Status is WalletTransfers.Pending or WalletTransfers.UnderReview, t.Verification, t.LargeAmountConfirmed, t.Memo,
        ChinaTime.Format(t.CreatedAt), t.ResolvedAt is { } r ? ChinaTime.Format(r) : null);

    /// <summary>What the confirmation screen and the receipt say about arrival (TRF-3).</summary>
    public static string NoticeZh(string arrival, DateTimeOffset? at) => arrival == WalletTransfers.RealTime ? "实时到账"
        : $"非实时到账：{arrival.TrimEnd('h')} 小时后到账" + (at is { } a ? $"（{ChinaTime.Format(a)}）" : "") + "，到账前可撤销";

    public static string NoticeEn(string arrival, DateTimeOffset? at) => arrival == WalletTransfers.RealTime ? "Arrives in real time"
        : $"Not real time: arrives after {arrival.TrimEnd('h')} hours" + (at is { } a ? $" ({ChinaTime.Format(a)})" : "")
            + "; revocable until then";
}
