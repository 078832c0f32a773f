using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Notifications;
using Zhifu.Server.Security;

namespace Zhifu.Server.Accounts;

/// <summary>
/// SMS one-time codes for sensitive actions (ACC-7): six digits, single use, short-lived, a few tries, rate-limited per
/// phone. Only a keyed hash of the code is stored.
/// </summary>
public sealed class OneTimeCodes(DatabaseOptions database, PersonalData personalData, ISmsGateway sms, IClock clock, AccountsOptions options)
{
    /// <summary>What a code may be used for; a code for one purpose never works for another.</summary>
    public static readonly IReadOnlySet<string> Purposes = new HashSet<string>(StringComparer.Ordinal)
    {
        "open-account", "login", "payment-password", "login-password", "change-phone", "bind-phone", "bind-card",
        "transfer-verify", // TRF-3: the second factor of a transfer beyond the day's threshold
        "risk-verify", // RISK-1: the second verification risk control asks for (step-up)
        "passwordless-sign", // PWL-1: opening a passwordless agreement needs the payment password plus this code
        "face-passcode", // FACE-4: setting the face-pay passcode
        LoginPasswordReset.CodePurpose, // ACC-7: a forgotten login password, asked for without a session
    };

    /// <summary>
    /// Sends a new code; null when sent, else the refusal. Codes asked for without a session (a forgotten login password) have
    /// a budget of their own, <see cref="AccountsOptions.ResetCodesPerDayMax"/> a day, and do not count towards the hourly one
    /// of the holder's own codes: a stranger who knows the number can send the holder at most that many texts and never uses
    /// up the codes the holder needs (unfreeze, transfers, risk step-ups).
    /// </summary>
    public async Task<WalletError?> SendAsync(string phone, string purpose, CancellationToken cancellationToken)
    {
        var now = clock.UtcNow;
        var index = personalData.BlindIndex(phone, PersonalData.Phone);
        await using var db = database.CreateContext();
        var anonymous = purpose == LoginPasswordReset.CodePurpose;
        var since = anonymous ? now.AddDays(-1) : now.AddHours(-1);
        var recent = await db.Set<OneTimeCodeRow>()
            .Where(c => c.PhoneIndex == index && c.CreatedAt > since && (c.Purpose == LoginPasswordReset.CodePurpose) == anonymous)
            .Select(c => new { c.Purpose, c.CreatedAt }).ToListAsync(cancellationToken);
        if (recent.Count >= (anonymous ? options.ResetCodesPerDayMax : options.OneTimeCodesPerHourMax)
            || recent.Any(c => c.Purpose == purpose && c.CreatedAt > now.AddSeconds(-options.OneTimeCodeResendSeconds)))
        {
            return WalletErrors.TooManyCodes;
        }
        var id = Guid.CreateVersion7();
        var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
        db.Set<OneTimeCodeRow>().Add(new OneTimeCodeRow
        {
            Id = id,
            PhoneIndex = index,
            Purpose = purpose,
            CodeHash = Hash(id, code),
            CreatedAt = now,
            ExpiresAt = now.AddSeconds(options.OneTimeCodeSeconds),
        });
        await db.SaveChangesAsync(cancellationToken);
        var minutes = options.OneTimeCodeSeconds / 60;
        await sms.SendAsync(phone, "otp", $"【知付】验证码 {code}，{minutes} 分钟内有效，仅用于{PurposeText(purpose)}。请勿告诉他人。", cancellationToken);
        return null;
    }

    /// <summary>Spends a code: true once for the right code before it expires; every wrong try counts.</summary>
    public async Task<bool> ConsumeAsync(string phone, string purpose, string? code, CancellationToken cancellationToken)
    {
        if (code is not { Length: 6 } || !code.All(char.IsAsciiDigit))
        {
            return false;
        }
        var now = clock.UtcNow;
        var index = personalData.BlindIndex(phone, PersonalData.Phone);
        await using var db = database.CreateContext();
        var latest = await db.Set<OneTimeCodeRow>()
            .Where(c => c.PhoneIndex == index && c.Purpose == purpose && c.UsedAt == null && c.ExpiresAt > now)
            .OrderByDescending(c => c.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        if (latest is null || latest.Attempts >= options.OneTimeCodeAttemptsMax)
        {
            return false;
        }
        var ok = CryptographicOperations.FixedTimeEquals(latest.CodeHash, Hash(latest.Id, code));
        latest.Attempts++;
        if (ok)
        {
            latest.UsedAt = now;
        }
        // Single use even under concurrency: Attempts is a concurrency token, so a second spender's update fails.
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return false;
        }
        return ok;
    }

    private byte[] Hash(Guid id, string code) => personalData.BlindIndex(id.ToString("N") + ":" + code, "otp");

    private static string PurposeText(string purpose) => purpose switch
    {
        "open-account" => "开通钱包",
        "login" => "登录",
        "payment-password" => "设置支付密码",
        "login-password" => "修改登录密码",
        "change-phone" => "更换手机号",
        "bind-phone" => "绑定新手机号",
        "bind-card" => "绑定银行卡",
        "transfer-verify" => "大额转账验证", // TRF-3: the holder must know what the code authorizes
        "passwordless-sign" => "开通免密支付", // PWL-1: never opened without the user knowing
        "face-passcode" => "设置刷脸支付口令",
        LoginPasswordReset.CodePurpose => "找回登录密码",
        _ => "身份验证",
    };
}
