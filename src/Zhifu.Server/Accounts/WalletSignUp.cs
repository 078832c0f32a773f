using Zhifu.Server.Security;

namespace Zhifu.Server.Accounts;

/// <summary>
/// Self-service opening (ACC-1) as the Wallet API and the wallet console both do it: a code to a phone without a wallet, then
/// the agreement, a strong login password and the code open the wallet and sign the holder in.
/// </summary>
public sealed class WalletSignUp(WalletAccounts accounts, OneTimeCodes codes, PasswordHasher passwords, WalletSessions sessions,
    AccountsOptions options)
{
    public const string CodePurpose = "open-account";
    public const string AgreementTitle = "知付支付服务协议";
    public const string AgreementSummary =
        "开通即表示您同意知付为您开立支付账户并按协议提供支付服务；账户与手机号一一对应；请妥善保管密码与验证码。";
    public const string AgreementTitleEn = "Zhifu Payment Service Agreement";
    public const string AgreementSummaryEn =
        "By opening, you agree that Zhifu opens a payment account for you and serves you under the agreement; one account per mobile number; keep your passwords and codes to yourself.";

    public string AgreementVersion => options.AgreementVersion;

    private static readonly WalletError MalformedRequest = new(400, "INVALID_REQUEST", "请求格式不正确", "The request is malformed");

    /// <summary>Texts an opening code, unless the phone already has a wallet (one wallet per phone, ACC-1: said before texting).</summary>
    public async Task<WalletError?> SendCodeAsync(string? phone, CancellationToken cancellationToken)
    {
        if (!CredentialRules.IsPhone(phone))
        {
            return WalletErrors.InvalidPhone;
        }
        if (await accounts.FindByPhoneAsync(phone!, cancellationToken) is not null)
        {
            return WalletErrors.PhoneTaken;
        }
        return await codes.SendAsync(phone!, CodePurpose, cancellationToken);
    }

    /// <summary>Opens the wallet and starts a session: the session token and the user, or the refusal.</summary>
    public async Task<(string? Token, Data.Entities.UserRow? User, WalletError? Error)> OpenAsync(string? phone, string? otp,
        string? loginPassword, string? agreementVersion, bool acceptAgreement, string? deviceId, CancellationToken cancellationToken)
    {
        if (!CredentialRules.IsPhone(phone))
        {
            return (null, null, WalletErrors.InvalidPhone);
        }
        if (!acceptAgreement)
        {
            return (null, null, WalletErrors.AgreementRequired);
        }
        if (agreementVersion != options.AgreementVersion)
        {
            return (null, null, WalletErrors.AgreementOutdated);
        }
        if (!CredentialRules.IsStrongLoginPassword(loginPassword))
        {
            return (null, null, WalletErrors.WeakLoginPassword);
        }
        if (deviceId is { Length: > 64 })
        {
            return (null, null, MalformedRequest);
        }
        if (!await codes.ConsumeAsync(phone!, CodePurpose, otp, cancellationToken))
        {
            return (null, null, WalletErrors.BadCode);
        }
        var (user, error) = await accounts.OpenAsync(new OpeningRequest(phone!, OpeningChannels.App, options.AgreementVersion,
            passwords.Hash(loginPassword!), MustChangeLoginPassword: false, deviceId), cancellationToken);
        if (error is not null)
        {
            return (null, null, error);
        }
        return (await sessions.CreateAsync(user!.Id, deviceId, cancellationToken), user, null);
    }
}
