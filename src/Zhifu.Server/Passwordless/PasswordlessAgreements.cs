using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;
using Zhifu.Server.Hosting;
using Zhifu.Server.Lifecycle;
using Zhifu.Server.MerchantApi;
using Zhifu.Server.Payments;
using Zhifu.Server.Security;

namespace Zhifu.Server.Passwordless;

/// <summary>What a merchant's 代扣预签约 asked for (the body of <c>POST /v3/papay/sign/contracts/pre-entrust-sign</c>).</summary>
public sealed record PreSignRequest(string SignScene, string AppId, string? OpenId, long PlanId, string OutContractCode,
    string DisplayAccount, string NotifyUrl, string? OutUserCode);

/// <summary>What the wallet shows before the user signs (PWL-1, PWL-2): who asks, the core terms (in Chinese, and in English
/// for a wallet shown in English: the user chooses knowingly in the language they read), the limits offered.</summary>
public sealed record PasswordlessOffer(string Kind, string? PreSignId, string? Merchant, string? DisplayAccount, string TextVersion,
    long PerPaymentLimitFen, long DailyLimitFen, bool Elderly, IReadOnlyList<string> CoreTerms, IReadOnlyList<string> CoreTermsEn);

/// <summary>The user's signature (PWL-1, PWL-2): payment password, SMS code, explicit acceptance, optional lower limits, and
/// for an elderly user the extra confirmation and the risk-tolerance answers (each 1 = the prudent answer).</summary>
public sealed record SignRequest(string? PreSignId, string? Kind, string? PaymentPassword, string? SmsCode, bool AcceptTerms,
    long? PerPaymentLimitFen, long? DailyLimitFen, bool ElderlyConfirm = false, IReadOnlyList<int>? Assessment = null);

/// <summary>
/// 免密支付协议 (PWL-1, PWL-2, PWL-5, PWL-7): merchants pre-sign, users sign in the wallet (never by default, never
/// pre-ticked: the payment password, a one-time code and an explicit acceptance of the core terms), users and merchants
/// terminate (effective at once: a termination waits for a charge under way, and a charge reads the state under the
/// agreement's claim and moves its order to PAYING only while the agreement is signed), and the merchant is told by
/// a signed, encrypted callback through the payment notification outbox.
/// </summary>
public sealed class PasswordlessAgreements(DatabaseOptions database, PasswordlessOptions options, WalletAccounts accounts,
    WalletCredentials credentials, OneTimeCodes codes, IAccountGuard guard, PersonalData personalData, PaymentLedger money,
    PaymentNotifications notifications, Notifications.ISmsGateway sms, IClock clock)
{
    public const string SignCodePurpose = "passwordless-sign";

    /// <summary>代扣预签约: a PENDING agreement the user can sign for <see cref="PasswordlessOptions.PreSignMinutes"/>.</summary>
    public async Task<(PasswordlessAgreementRow? Agreement, V3Error? Error)> PreSignAsync(ApiMerchant merchant, PreSignRequest request,
        CancellationToken ct)
    {
        if (!Eligible(merchant.Merchant))
        {
            return (null, PasswordlessV3Errors.NotEligible);
        }
        var now = clock.UtcNow;
        await using var db = database.CreateContext();
        var earlier = await db.Set<PasswordlessAgreementRow>().AsNoTracking().FirstOrDefaultAsync(a => a.MerchantId == merchant.Merchant.Id
            && a.PlanId == request.PlanId && a.OutContractCode == request.OutContractCode, ct);
        if (earlier is not null)
        {
            // the same pre-sign asked again while it waits answers the same session; a used contract code never comes back
            return earlier.State == PasswordlessAgreementRow.Pending && earlier.PreSignExpiresAt > now && earlier.AppId == request.AppId
                && earlier.DisplayAccount == request.DisplayAccount && earlier.NotifyUrl == request.NotifyUrl
                ? (earlier, null) : (null, PasswordlessV3Errors.ContractCodeUsed);
        }
        var row = new PasswordlessAgreementRow
        {
            Id = Guid.CreateVersion7(), Kind = PasswordlessAgreementRow.KindMerchant, MerchantId = merchant.Merchant.Id,
            MchId = merchant.Merchant.MchId, AppId = request.AppId, PlanId = request.PlanId, OutContractCode = request.OutContractCode,
            PreSignId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), PreSignExpiresAt = now.AddMinutes(options.PreSignMinutes),
            DisplayAccount = request.DisplayAccount, OutUserCode = request.OutUserCode, NotifyUrl = request.NotifyUrl,
            State = PasswordlessAgreementRow.Pending, CreatedAt = now, PayerOpenId = request.OpenId,
        };
        db.Add(row);
        try
        {
            await db.SaveChangesAsync(ct);
            return (row, null);
        }
        catch (DbUpdateException)
        {
            return (null, PasswordlessV3Errors.ContractCodeUsed); // two pre-signs with one code raced
        }
    }

    /// <summary>PWL-3: only eligible merchants that are not high-risk may offer passwordless.</summary>
    public static bool Eligible(MerchantRow merchant) =>
        merchant.PasswordlessEligible && merchant.RiskLevel != "high" && merchant.Status == MerchantRow.Active;

    /// <summary>The merchant's caps (its own or the platform's defaults), lowered for an elderly user (PWL-2, PWL-3).</summary>
    public (long PerPayment, long Daily) Caps(MerchantRow? merchant, bool elderly)
    {
        var perPayment = merchant is { PasswordlessPerPaymentFen: > 0 } ? merchant.PasswordlessPerPaymentFen : options.DefaultPerPaymentFen;
        var daily = merchant is { PasswordlessDailyFen: > 0 } ? merchant.PasswordlessDailyFen : options.DefaultDailyFen;
        return elderly
            ? (Math.Min(perPayment, options.ElderlyPerPaymentFen), Math.Min(daily, options.ElderlyDailyFen))
            : (perPayment, daily);
    }

    /// <summary>PWL-2: 60 or over on the China date today, from the ID number of a real-name verified user.</summary>
    public bool IsElderly(UserRow user)
    {
        if (user.IdNumberCipher is null)
        {
            return false;
        }
        if (RealName.IdentityRules.BirthDate(personalData.Unprotect(user.IdNumberCipher, PersonalData.IdNumber)) is not { } born)
        {
            return false;
        }
        var today = DateOnly.FromDateTime(ChinaTime.ToChina(clock.UtcNow).DateTime);
        return born.AddYears(options.ElderlyAge) <= today;
    }

    /// <summary>The core terms, shown first and large (PWL-1, PWL-2).</summary>
    public static IReadOnlyList<string> CoreTerms(string merchant, long perPayment, long daily) =>
    [
        $"开通后，{merchant}可在单笔 {new Money(perPayment)}、每日 {new Money(daily)} 以内从您的钱包扣款，无需输入支付密码。",
        "超过限额或交易异常时，需要您在钱包中输入支付密码确认，不会自动扣款。",
        "您可以随时在「我的 › 免密支付」一键关闭，关闭立即生效；对免密扣款有疑问可以直接投诉。",
        "每一笔免密扣款都会记录在账单中；年满 60 周岁的用户每笔都会收到短信提醒。",
    ];

    /// <summary>The same core terms in English, term for term.</summary>
    public static IReadOnlyList<string> CoreTermsEn(string merchant, long perPayment, long daily) =>
    [
        $"Once on, {merchant} may take up to {new Money(perPayment)} a payment and {new Money(daily)} a day from your wallet without your payment password.",
        "Above those limits, or when a payment looks unusual, you confirm it in the wallet with your payment password; nothing is taken automatically.",
        "You can turn it off at any time in Me › Passwordless payment with one tap, at once; you can complain directly about any passwordless payment.",
        "Every passwordless payment is on your statement; users aged 60 or over get a text message for each one.",
    ];

    /// <summary>What the user is asked to sign: a merchant's pre-sign (by its id) or the payment-code agreement (pre-sign null).</summary>
    public async Task<(PasswordlessOffer? Offer, WalletError? Error)> OfferAsync(Guid userId, string? preSignId, CancellationToken ct)
    {
        var user = await accounts.FindAsync(userId, ct);
        if (user is null)
        {
            return (null, PasswordlessErrors.NotFound);
        }
        var elderly = IsElderly(user);
        if (preSignId is null)
        {
            var (per, day) = Caps(null, elderly);
            return (new PasswordlessOffer(PasswordlessAgreementRow.KindOfflineCode, null, null, null, options.TextVersion, per, day,
                elderly, CoreTerms("线下商户（付款码）", per, day), CoreTermsEn("offline merchants (payment code)", per, day)), null);
        }
        await using var db = database.CreateContext();
        var (row, merchant, error) = await PendingAsync(db, preSignId, ct);
        if (error is not null)
        {
            return (null, error);
        }
        var (perPayment, daily) = Caps(merchant, elderly);
        return (new PasswordlessOffer(row!.Kind, row.PreSignId, merchant!.Name, row.DisplayAccount, options.TextVersion, perPayment, daily,
            elderly, CoreTerms(merchant.Name, perPayment, daily), CoreTermsEn(merchant.Name, perPayment, daily)), null);
    }

    private async Task<(PasswordlessAgreementRow?, MerchantRow?, WalletError?)> PendingAsync(ZhifuDb db, string preSignId,
        CancellationToken ct)
    {
        if (preSignId.Length is 0 or > 64)
        {
            return (null, null, PasswordlessErrors.NotFound);
        }
        var row = await db.Set<PasswordlessAgreementRow>().FirstOrDefaultAsync(a => a.PreSignId == preSignId, ct);
        if (row is null || row.State != PasswordlessAgreementRow.Pending)
        {
            return (null, null, row is null ? PasswordlessErrors.NotFound : PasswordlessErrors.AlreadySigned);
        }
        if (row.PreSignExpiresAt <= clock.UtcNow)
        {
            return (null, null, PasswordlessErrors.Expired);
        }
        var merchant = await db.Merchants.AsNoTracking().FirstAsync(m => m.Id == row.MerchantId, ct);
        return Eligible(merchant) ? (row, merchant, null) : (null, null, PasswordlessErrors.MerchantNotEligible);
    }

    /// <summary>
    /// 签约 (PWL-1, PWL-2): checks in order — terms explicitly accepted, the wallet may transact and is real-name verified,
    /// limits within the caps, the elderly confirmation and assessment, the payment password, the one-time code — then
    /// signs and (for a merchant) queues the merchant's signing callback in the same commit.
    /// </summary>
    public async Task<(PasswordlessAgreementRow? Agreement, WalletError? Error)> SignAsync(Guid userId, SignRequest request, string via,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.AcceptTerms)
        {
            return (null, PasswordlessErrors.TermsNotAccepted); // never pre-ticked: the user must say yes themselves
        }
        var user = (await accounts.FindAsync(userId, ct))!;
        if (await guard.EnsureCanTransactAsync(userId, Business.NonCounterOut, ct) is { } blocked)
        {
            return (null, blocked);
        }
        if (user.AccountClass < 1)
        {
            return (null, PasswordlessErrors.RealNameRequired); // identity checked first (PWL-1)
        }
        var elderly = IsElderly(user);
        await using var db = database.CreateContext();
        PasswordlessAgreementRow? row = null;
        MerchantRow? merchant = null;
        if (request.PreSignId is not null)
        {
            WalletError? pending;
            (row, merchant, pending) = await PendingAsync(db, request.PreSignId, ct);
            if (pending is not null)
            {
                return (null, pending);
            }
            if (row!.PayerOpenId is { } named && named != money.OpenId(row.AppId!, userId))
            {
                return (null, PasswordlessErrors.PayerMismatch); // the merchant pre-signed for another user
            }
        }
        else if (request.Kind != PasswordlessAgreementRow.KindOfflineCode)
        {
            return (null, PasswordlessErrors.NotFound);
        }
        else if (await db.Set<PasswordlessAgreementRow>().AnyAsync(a => a.UserId == userId
            && a.Kind == PasswordlessAgreementRow.KindOfflineCode && a.State == PasswordlessAgreementRow.Signed, ct))
        {
            return (null, PasswordlessErrors.AlreadySigned);
        }
        if (request.PerPaymentLimitFen <= 0 || request.DailyLimitFen <= 0)
        {
            return (null, PasswordlessErrors.InvalidLimit); // a limit of nothing is refused, never read as "no choice" (the cap)
        }
        var (capPerPayment, capDaily) = Caps(merchant, elderly);
        var perPayment = request.PerPaymentLimitFen ?? capPerPayment;
        var daily = request.DailyLimitFen ?? capDaily;
        if (perPayment > capPerPayment || daily > capDaily || perPayment > daily)
        {
            return (null, PasswordlessErrors.LimitAboveCap(capPerPayment, capDaily));
        }
        int? score = null;
        if (elderly)
        {
            if (!request.ElderlyConfirm)
            {
                return (null, PasswordlessErrors.ElderlyConfirmRequired);
            }
            score = request.Assessment is { Count: 3 } answers && answers.All(a => a is 0 or 1) ? answers.Sum() : -1;
            if (score < options.ElderlyAssessmentPassScore)
            {
                return (null, PasswordlessErrors.AssessmentNotPassed);
            }
        }
        if (await credentials.VerifyPaymentPasswordAsync(userId, request.PaymentPassword, ct) is { } wrong)
        {
            return (null, wrong);
        }
        if (!await codes.ConsumeAsync(credentials.PhoneOf(user), SignCodePurpose, request.SmsCode, ct))
        {
            return (null, WalletErrors.BadCode);
        }
        var now = clock.UtcNow;
        if (row is null)
        {
            row = new PasswordlessAgreementRow
            {
                Id = Guid.CreateVersion7(), Kind = PasswordlessAgreementRow.KindOfflineCode, State = PasswordlessAgreementRow.Pending,
                CreatedAt = now,
            };
            db.Add(row);
        }
        (row.UserId, row.State, row.ContractId, row.TextVersion, row.PerPaymentLimitFen, row.DailyLimitFen, row.Elderly,
            row.AssessmentScore, row.SignedAt, row.SignedVia) = (userId, PasswordlessAgreementRow.Signed,
            NewContractId(now), options.TextVersion, perPayment, daily, elderly, score, now, via);
        row.Version++;
        if (merchant is not null)
        {
            await NotifyAsync(db, row, "PAPAY.SIGN", "签约成功");
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return (null, PasswordlessErrors.AlreadySigned); // signed twice at once: one wins
        }
        notifications.Wake();
        await sms.SendAsync(credentials.PhoneOf(user), "account", $"【知付】您已开通{Party(merchant?.Name)}，单笔限额{new Money(perPayment)}、"
            + $"每日限额{new Money(daily)}。可随时在钱包「免密支付」中一键关闭；如非本人操作，请立即关闭并联系客服。", CancellationToken.None);
        return (row, null);
    }

    /// <summary>What an agreement is called in the user's texts (CS-3).</summary>
    private static string Party(string? merchantName) => merchantName is null ? "付款码小额免密支付" : $"「{merchantName}」的免密支付";

    /// <summary>
    /// 一键关闭 (PWL-5, PWL-7): terminates one of the user's agreements (by contract id) or, with null, all of them — at once,
    /// every merchant told. Returns how many were terminated.
    /// </summary>
    public async Task<int> CancelAsync(Guid userId, string? contractId, CancellationToken ct)
    {
        List<Guid> signed;
        await using (var db = database.CreateContext())
        {
            signed = await db.Set<PasswordlessAgreementRow>()
                .Where(a => a.UserId == userId && a.State == PasswordlessAgreementRow.Signed && (contractId == null || a.ContractId == contractId))
                .Select(a => a.Id).Take(options.ListMax).ToListAsync(ct);
        }
        var terminated = 0;
        foreach (var id in signed)
        {
            terminated += await TerminateClaimedAsync(id, "USER", "用户在钱包中关闭免密支付") ? 1 : 0;
        }
        notifications.Wake();
        return terminated;
    }

    /// <summary>通过商户协议号查询签约协议.</summary>
    public async Task<PasswordlessAgreementRow?> FindAsync(ApiMerchant merchant, long planId, string outContractCode, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.Set<PasswordlessAgreementRow>().AsNoTracking().FirstOrDefaultAsync(a => a.MerchantId == merchant.Merchant.Id
            && a.PlanId == planId && a.OutContractCode == outContractCode && a.State != PasswordlessAgreementRow.Pending, ct);
    }

    /// <summary>通过商户协议号解除签约协议: the merchant ends a signed contract; ending it again answers it as it is.</summary>
    public async Task<PasswordlessAgreementRow?> TerminateByMerchantAsync(ApiMerchant merchant, long planId, string outContractCode,
        string remark, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var row = await db.Set<PasswordlessAgreementRow>().FirstOrDefaultAsync(a => a.MerchantId == merchant.Merchant.Id
            && a.PlanId == planId && a.OutContractCode == outContractCode && a.State != PasswordlessAgreementRow.Pending, ct);
        if (row is not { State: PasswordlessAgreementRow.Signed })
        {
            return row; // ended already (or none): answered as it is
        }
        if (await TerminateClaimedAsync(row.Id, "MERCHANT", remark))
        {
            notifications.Wake();
        }
        return await db.Set<PasswordlessAgreementRow>().AsNoTracking().FirstAsync(a => a.Id == row.Id, ct); // as terminated, by whom
    }

    /// <summary>How long a termination waits for a charge of the agreement under way (holding its claim) to finish.</summary>
    private static readonly TimeSpan TerminateClaimWait = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Terminates a signed agreement under the claim its charges take (PWL-5, PWL-7): a charge under way finishes first (it
    /// read the agreement signed), and none starts after — a charge reads the state under the claim, and its NOTPAY → PAYING
    /// statement requires the agreement signed. Past the wait (a charge's server died holding the claim) it terminates anyway:
    /// that statement still stops a charge that has not reached it. Not cancelled once begun: a revocation always lands. True
    /// when this call terminated it; false when it was not signed, or another termination came first.
    /// </summary>
    private async Task<bool> TerminateClaimedAsync(Guid agreementId, string mode, string remark)
    {
        await using var db = database.CreateContext();
        var agreement = db.Set<PasswordlessAgreementRow>().Where(a => a.Id == agreementId);
        var claimedAt = await RowClaims.ClaimAsync(agreement, nameof(PasswordlessAgreementRow.ChargingSince), clock, TerminateClaimWait,
            PasswordlessCharges.ClaimLapse, CancellationToken.None);
        try
        {
            var row = await agreement.FirstOrDefaultAsync(a => a.State == PasswordlessAgreementRow.Signed, CancellationToken.None);
            if (row is null)
            {
                return false;
            }
            await TerminateAsync(db, row, mode, remark);
            await db.SaveChangesAsync(CancellationToken.None);
            await TextTerminationAsync(db, row, mode);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            return false; // terminated (or signed over) by another at the same moment: theirs stands
        }
        finally
        {
            if (claimedAt is { } at)
            {
                await RowClaims.ReleaseAsync(agreement, nameof(PasswordlessAgreementRow.ChargingSince), at);
            }
        }
    }

    /// <summary>CS-3: the user is told of every ended agreement — above all one the merchant or the platform ended.</summary>
    private async Task TextTerminationAsync(ZhifuDb db, PasswordlessAgreementRow row, string mode)
    {
        if (row.UserId is not { } userId || await accounts.FindAsync(userId, CancellationToken.None) is not { } user)
        {
            return;
        }
        var name = row.MerchantId is { } merchantId
            ? await db.Merchants.Where(m => m.Id == merchantId).Select(m => m.Name).FirstOrDefaultAsync(CancellationToken.None)
            : null;
        var by = mode switch { "USER" => "由您本人", "MERCHANT" => "由商户", _ => "由平台" };
        await sms.SendAsync(credentials.PhoneOf(user), "account",
            $"【知付】您的{Party(name)}协议已{by}解除，此后扣款均需输入支付密码。如有疑问请联系客服。", CancellationToken.None);
    }

    private async Task TerminateAsync(ZhifuDb db, PasswordlessAgreementRow row, string mode, string remark)
    {
        (row.State, row.TerminatedAt, row.TerminationMode, row.TerminationRemark) =
            (PasswordlessAgreementRow.Terminated, clock.UtcNow, mode, remark);
        row.Version++;
        if (row.Kind == PasswordlessAgreementRow.KindMerchant)
        {
            await NotifyAsync(db, row, "PAPAY.TERMINATE", "解约成功");
        }
    }

    private Task NotifyAsync(ZhifuDb db, PasswordlessAgreementRow row, string eventType, string summary) =>
        notifications.AddAsync(db, row.MerchantId!.Value, row.MchId!, row.Id, row.NotifyUrl ?? "", eventType, summary, "contract",
            View(row));

    /// <summary>The protocol's contract object: as the query and terminate APIs answer and the callbacks carry.</summary>
    public JsonObject View(PasswordlessAgreementRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var json = new JsonObject
        {
            ["mchid"] = row.MchId, ["contract_id"] = row.ContractId, ["appid"] = row.AppId, ["plan_id"] = row.PlanId,
            ["out_contract_code"] = row.OutContractCode, ["contract_display_account"] = row.DisplayAccount,
            ["contract_state"] = row.State, ["contract_signed_time"] = row.SignedAt is { } s ? TransactionView.Rfc3339(s) : null,
            ["openid"] = row.UserId is { } user && row.AppId is { } app ? money.OpenId(app, user) : null,
            ["out_user_code"] = row.OutUserCode,
        };
        if (row.State == PasswordlessAgreementRow.Terminated)
        {
            json["contract_terminate_info"] = new JsonObject
            {
                ["contract_termination_mode"] = row.TerminationMode, ["contract_terminated_time"] = TransactionView.Rfc3339(row.TerminatedAt!.Value),
                ["contract_termination_remark"] = row.TerminationRemark,
            };
        }
        return json;
    }

    /// <summary>A contract id: "ZF" + the China date + 16 random digits (32 characters at most, as the protocol's).</summary>
    private static string NewContractId(DateTimeOffset now) =>
        "ZF" + ChinaTime.ToChina(now).ToString("yyyyMMdd", CultureInfo.InvariantCulture) + RandomDigits.Of(16);
}
