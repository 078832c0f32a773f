using System.Net;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Notifications;
using Zhifu.Server.Security;

namespace Zhifu.Server.Accounts;

/// <summary>
/// Opening by SMS command (ACC-1): the holder texts <c>KT</c>, gets the agreement and texts <c>A</c> within ten minutes to
/// accept it; the wallet opens with an initial login password that must be changed at first sign-in (ACC-7). The SMS
/// gateway delivers texts to <c>POST /api/sms/inbound</c>; replies go to the SMS outbox.
/// </summary>
public sealed class SmsCommands(
    DatabaseOptions database, WalletAccounts accounts, PasswordHasher passwords, PersonalData personalData, ISmsGateway sms,
    IClock clock, AccountsOptions options)
{
    public sealed record InboundSms(string? From, string? Text);

    public static void Map(WebApplication app) =>
        app.MapPost("/api/sms/inbound", async (InboundSms message, SmsCommands commands, IConfiguration configuration, HttpContext context) =>
        {
            // The gateway proves itself with a shared key; without one configured only this machine may deliver.
            var key = configuration["Sms:InboundKey"];
            var trusted = string.IsNullOrEmpty(key)
                ? context.Connection.RemoteIpAddress is { } ip && IPAddress.IsLoopback(ip)
                : CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(context.Request.Headers["X-Sms-Gateway-Key"].ToString()),
                    System.Text.Encoding.UTF8.GetBytes(key));
            if (!trusted)
            {
                return Hosting.ApiProblem.Create(context, 403, "SMS_GATEWAY_UNTRUSTED", "短信网关未授权", "Unknown SMS gateway");
            }
            if (!CredentialRules.IsPhone(message.From) || message.Text is not { Length: <= 70 })
            {
                return Hosting.ApiProblem.Create(context, 400, "INVALID_REQUEST", "请求格式不正确", "The request is malformed");
            }
            await commands.HandleAsync(message.From!, message.Text.Trim().ToUpperInvariant(), context.RequestAborted);
            return Results.Accepted();
        }).WithTags("SMS gateway");

    public async Task HandleAsync(string phone, string text, CancellationToken cancellationToken)
    {
        var index = personalData.BlindIndex(phone, PersonalData.Phone);
        await using var db = database.CreateContext();
        var conversation = await db.Set<SmsConversationRow>().FirstOrDefaultAsync(c => c.PhoneIndex == index, cancellationToken);
        var now = clock.UtcNow;
        switch (text)
        {
            case "KT":
                if (await accounts.FindByPhoneAsync(phone, cancellationToken) is not null)
                {
                    await sms.SendAsync(phone, "account", "【知付】该手机号已开通知付钱包，无需重复开通。", cancellationToken);
                    return;
                }
                if (conversation is null)
                {
                    conversation = new SmsConversationRow { PhoneIndex = index, Command = "KT" };
                    db.Add(conversation);
                }
                conversation.ExpiresAt = now.AddMinutes(10);
                await db.SaveChangesAsync(cancellationToken);
                await sms.SendAsync(phone, "account", $"【知付】您正在开通知付钱包。请阅读《知付支付服务协议》（版本 {options.AgreementVersion}），"
                    + "回复 A 即表示同意协议并开通，10 分钟内有效。", cancellationToken);
                return;
            case "A" when conversation is { Command: "KT" } && conversation.ExpiresAt > now:
                db.Remove(conversation);
                await db.SaveChangesAsync(cancellationToken);
                await OpenAsync(phone, cancellationToken);
                return;
            default:
                await sms.SendAsync(phone, "account", "【知付】回复 KT 开通知付钱包。", cancellationToken);
                return;
        }
    }

    private async Task OpenAsync(string phone, CancellationToken cancellationToken)
    {
        var initial = Security.StaffPasswords.NewInitial();
        var (_, error) = await accounts.OpenAsync(new OpeningRequest(phone, OpeningChannels.Sms, options.AgreementVersion,
            passwords.Hash(initial), MustChangeLoginPassword: true, DeviceId: null), cancellationToken);
        await sms.SendAsync(phone, "account", error is null
            ? $"【知付】钱包已开通。初始登录密码 {initial}，请登录后立即修改，并设置支付密码。"
            : $"【知付】开通未成功：{error.Zh}", cancellationToken);
    }
}
