using Zhifu.Core;
using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;
using Zhifu.Server.Notifications;
using Zhifu.Server.Security;

namespace Zhifu.Server.Transfers;

/// <summary>
/// Tells both parties by SMS (CS, TRF-2): the payer when a transfer leaves, arrives or is revoked, the payee when it arrives.
/// Only masked phones and names ever appear (ACC-8); a delayed transfer says when it will arrive and that it can be revoked.
/// </summary>
public sealed class TransferNotices(WalletAccounts accounts, WalletCredentials credentials, PersonalData personalData, ISmsGateway sms)
{
    public const string Kind = "transfer";

    public async Task SentAsync(WalletTransferRow row, UserRow payer, UserRow payee)
    {
        var amount = new Money(row.AmountFen);
        var to = $"{row.PayeeMasked}（{row.PayeeNameMasked}）";
        if (row.Status == WalletTransfers.Pending)
        {
            await sms.SendAsync(credentials.PhoneOf(payer), Kind,
                $"【知付】您向 {to}转账 {amount}，预计 {ChinaTime.Format(row.ArrivesAt!.Value)} 到账，到账前可在知付撤销。", CancellationToken.None);
            return;
        }
        await sms.SendAsync(credentials.PhoneOf(payer), Kind, $"【知付】您向 {to}转账 {amount} 已到账。", CancellationToken.None);
        await sms.SendAsync(credentials.PhoneOf(payee), Kind, $"【知付】{PayerShown(payer)} 向您转账 {amount}，已存入余额。", CancellationToken.None);
    }

    public async Task ArrivedAsync(WalletTransferRow row)
    {
        var payer = (await accounts.FindAsync(row.PayerUserId, CancellationToken.None))!;
        var payee = (await accounts.FindAsync(row.PayeeUserId!.Value, CancellationToken.None))!;
        var amount = new Money(row.AmountFen);
        var what = row.Arrival == WalletTransfers.RealTime ? "转账" : "延时转账";
        await sms.SendAsync(credentials.PhoneOf(payer), Kind, $"【知付】您向 {row.PayeeMasked}（{row.PayeeNameMasked}）的{what} {amount} 已到账。",
            CancellationToken.None);
        await sms.SendAsync(credentials.PhoneOf(payee), Kind, $"【知付】{PayerShown(payer)} 向您转账 {amount}，已存入余额。", CancellationToken.None);
    }

    /// <summary>A transfer held for review (RISK-1) was decided: released (it arrives now) or rejected (the money is back).</summary>
    public async Task ReviewedAsync(WalletTransferRow row, bool released)
    {
        var payer = (await accounts.FindAsync(row.PayerUserId, CancellationToken.None))!;
        var amount = new Money(row.AmountFen);
        var to = $"{row.PayeeMasked}（{row.PayeeNameMasked}）";
        if (!released)
        {
            await sms.SendAsync(credentials.PhoneOf(payer), Kind, $"【知付】您向 {to}的转账 {amount} 经风险审核未予放行，资金已退回余额。",
                CancellationToken.None);
            return;
        }
        if (row.Status == WalletTransfers.Succeeded)
        {
            await ArrivedAsync(row);
            return;
        }
        await sms.SendAsync(credentials.PhoneOf(payer), Kind,
            $"【知付】您向 {to}的转账 {amount} 已通过审核，预计 {ChinaTime.Format(row.ArrivesAt!.Value)} 到账，到账前可撤销。", CancellationToken.None);
    }

    public async Task RevokedAsync(WalletTransferRow row)
    {
        var payer = (await accounts.FindAsync(row.PayerUserId, CancellationToken.None))!;
        await sms.SendAsync(credentials.PhoneOf(payer), Kind,
            $"【知付】您向 {row.PayeeMasked}（{row.PayeeNameMasked}）的延时转账 {new Money(row.AmountFen)} 已撤销，资金已退回余额。", CancellationToken.None);
    }

    public async Task SentToCardAsync(WalletTransferRow row)
    {
        var payer = (await accounts.FindAsync(row.PayerUserId, CancellationToken.None))!;
        await sms.SendAsync(credentials.PhoneOf(payer), Kind,
            $"【知付】您转账到 {row.PayeeNameMasked} {row.PayeeMasked} 的 {new Money(row.AmountFen)} 已到账。", CancellationToken.None);
    }

    /// <summary>The payer as the payee's text shows them: masked name and masked phone.</summary>
    public string PayerShown(UserRow payer) =>
        (payer.NameCipher is { } name ? PersonalDataMask.Name(personalData.Unprotect(name, PersonalData.Name)) + " " : "")
        + PersonalDataMask.Phone(credentials.PhoneOf(payer));
}
