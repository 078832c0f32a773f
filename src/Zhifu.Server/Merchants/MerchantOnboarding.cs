using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Core.Ledger;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.MerchantApi;
using Zhifu.Server.Security;

namespace Zhifu.Server.Merchants;

/// <summary>
/// 商户进件与审核 (MER-1): operations enters a merchant (pending), a second operator approves it — opening its ledger accounts
/// and API credentials — or rejects it; the merchant's terms (risk level, fee rate, eligibility, limit) change later under
/// audit. Four eyes: whoever applied cannot approve. Legal-person data and the settlement account are encrypted (ACC-8).
/// </summary>
public sealed class MerchantOnboarding(DatabaseOptions database, ILedger ledger, PersonalData personal, MerchantCredentials credentials,
    AuditLog audit, IClock clock)
{
    /// <summary>Approves or rejects (a rejection needs its reason) and writes the audit entry; the refusal code otherwise.</summary>
    public async Task<(MerchantRow? Merchant, string? Refusal)> ReviewAsync(string mchId, bool approve, string? note,
        Lifecycle.OperatorActor by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(by);
        var (row, refusal) = approve ? await ApproveAsync(mchId, by.CreatedBy, note, ct) : await RejectAsync(mchId, by.CreatedBy, note!, ct);
        if (refusal is null)
        {
            await audit.AppendAsync(by.Username, by.Role, approve ? "merchant.approve" : "merchant.reject", mchId, note ?? "");
        }
        return (row, refusal);
    }

    /// <summary>Changes an active merchant's terms (<see cref="SetTermsAsync"/>) as an operator, audited; the caller has
    /// checked <see cref="MerchantTerms.Problem"/>.</summary>
    public async Task<(MerchantRow? Merchant, string? Refusal)> ChangeTermsAsync(string mchId, MerchantTerms terms,
        Lifecycle.OperatorActor by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(by);
        var (row, refusal) = await SetTermsAsync(mchId, terms, ct);
        if (refusal is null)
        {
            await audit.AppendAsync(by.Username, by.Role, "merchant.terms", mchId, System.Text.Json.JsonSerializer.Serialize(terms));
        }
        return (row, refusal);
    }

    /// <summary>
    /// 暂停 / 恢复交易 (MER-1, RISK): a suspended merchant takes no new payment — no order is created, none of its open orders
    /// can be paid, no held payment is released to it — while what it owes its payers goes on: queries, closes, refunds,
    /// bills and callbacks. Active ⇄ suspended in one conditional statement (of two changes at once, one wins); audited with
    /// the reason; the merchant API's cached view of the merchant is dropped at once.
    /// </summary>
    public async Task<(MerchantRow? Merchant, string? Refusal)> SetSuspendedAsync(string mchId, bool suspend, string reason,
        Lifecycle.OperatorActor by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(by);
        var (from, to) = suspend ? (MerchantRow.Active, MerchantRow.Suspended) : (MerchantRow.Suspended, MerchantRow.Active);
        await using var db = database.CreateContext();
        var row = await db.Merchants.FirstOrDefaultAsync(m => m.MchId == mchId, ct);
        if (row is null)
        {
            return (null, "MERCHANT_NOT_FOUND");
        }
        if (await db.Merchants.Where(m => m.Id == row.Id && m.Status == from)
                .ExecuteUpdateAsync(set => set.SetProperty(m => m.Status, to), CancellationToken.None) == 0)
        {
            return (null, suspend ? "MERCHANT_NOT_ACTIVE" : "MERCHANT_NOT_SUSPENDED");
        }
        row.Status = to;
        credentials.Forget(mchId);
        await audit.AppendAsync(by.Username, by.Role, suspend ? "merchant.suspend" : "merchant.resume", mchId, reason);
        return (row, null);
    }

    /// <summary>What a review's or a terms change's refusal means, for people.</summary>
    public static (int Status, string Zh, string En) Explain(string refusal) => refusal switch
    {
        "MERCHANT_NOT_PENDING" => (409, "该商户不在待审核状态", "The merchant is not awaiting review"),
        "MERCHANT_FOUR_EYES" => (403, "进件人不能审核自己提交的商户", "Whoever applied cannot review the application"),
        "MERCHANT_NOT_ACTIVE" => (409, "商户不在正常状态（待审核、已驳回或已暂停）", "The merchant is not active (pending, rejected or suspended)"),
        "MERCHANT_NOT_SUSPENDED" => (409, "商户未被暂停", "The merchant is not suspended"),
        "MERCHANT_HIGH_RISK" => (409, "高风险商户不能开通免密支付或刷脸支付", "A high-risk merchant may not take passwordless or face payments"),
        "PASSWORDLESS_LIMITS_INVALID" => (400, "免密单笔限额不能高于每日限额（含已设定的一项）",
            "The passwordless per-payment limit cannot exceed the daily one (including the one already set)"),
        _ => (404, "找不到该商户", "No such merchant"),
    };

    public const string LegalNamePurpose = "merchant-legal-name";
    public const string LegalIdPurpose = "merchant-legal-id";
    public const string SettlementPurpose = "merchant-settlement-account";

    /// <summary>
    /// Validates an application and, when every field is right, enters it as a pending merchant and audits it; otherwise
    /// every wrong field. The Operator API and the operator console's onboarding form both enter merchants through here.
    /// </summary>
    public async Task<(MerchantRow? Merchant, IReadOnlyList<(string Field, string Zh, string En)> Problems)> SubmitAsync(
        MerchantApplication application, Lifecycle.OperatorActor by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(application);
        ArgumentNullException.ThrowIfNull(by);
        var problems = application.Problems(DateOnly.FromDateTime(ChinaTime.ToChina(clock.UtcNow).DateTime)).ToList();
        if (problems.Count > 0)
        {
            return (null, problems);
        }
        var row = await ApplyAsync(application, by.CreatedBy, ct);
        await audit.AppendAsync(by.Username, by.Role, "merchant.apply", row.MchId, $"{row.Name} MCC {row.Mcc} risk {row.RiskLevel}");
        return (row, []);
    }

    /// <summary>Enters a validated application as a pending merchant (a new mchid unless the demo seed names one).</summary>
    public async Task<MerchantRow> ApplyAsync(MerchantApplication a, string appliedBy, CancellationToken ct, string? mchId = null)
    {
        await using var db = database.CreateContext();
        var row = new MerchantRow
        {
            Id = Guid.CreateVersion7(), MchId = mchId ?? await NewMchIdAsync(db, ct), Name = a.Name!.Trim(), Status = MerchantRow.Pending,
            LicenceNo = a.LicenceNo, LegalPersonNameCipher = personal.Protect(a.LegalPersonName!.Trim(), LegalNamePurpose),
            LegalPersonIdCipher = personal.Protect(a.LegalPersonIdNumber!.Trim().ToUpperInvariant(), LegalIdPurpose), Mcc = a.Mcc,
            RiskLevel = a.RiskLevel!, SettlementBank = a.SettlementBank, SettlementAccountName = a.SettlementAccountName!.Trim(),
            SettlementAccountCipher = personal.Protect(a.SettlementAccountNo!, SettlementPurpose),
            SettlementAccountLast4 = a.SettlementAccountNo![^4..],
            SinglePaymentLimitFen = a.SinglePaymentLimitFen ?? 0, FeeRatePpmApplied = a.FeeRatePpm!.Value, AppliedBy = appliedBy,
            PendingAccountId = Guid.CreateVersion7(), AvailableAccountId = Guid.CreateVersion7(), CreatedAt = clock.UtcNow,
        };
        db.Merchants.Add(row);
        await db.SaveChangesAsync(ct);
        return row;
    }

    /// <summary>
    /// Approves a pending merchant: ledger accounts, credentials (a fresh APIv3 key the merchant resets to read), then — one
    /// conditional statement — pending to active. An approval racing a rejection (or another approval) has one winner, and a
    /// crash before the last step leaves the merchant pending, to approve again (accounts and credentials are idempotent), never
    /// active without its accounts or credentials.
    /// </summary>
    public async Task<(MerchantRow? Merchant, string? Refusal)> ApproveAsync(string mchId, string reviewer, string? note,
        CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var row = await db.Merchants.FirstOrDefaultAsync(m => m.MchId == mchId, ct);
        if (Unreviewable(row, reviewer) is { } refusal)
        {
            return (null, refusal);
        }
        var results = await ledger.CreateAccountsAsync(
        [
            new NewAccount
            {
                Id = row!.PendingAccountId, Ledger = Ledgers.Cny, Code = AccountCode.MerchantPending,
                Flags = AccountFlags.DebitsMustNotExceedCredits,
            },
            new NewAccount
            {
                Id = row.AvailableAccountId, Ledger = Ledgers.Cny, Code = AccountCode.MerchantAvailable,
                Flags = AccountFlags.DebitsMustNotExceedCredits,
            },
        ], ct);
        if (results.Any(r => !r.IsSuccess()))
        {
            throw new InvalidOperationException("merchant account creation failed: " + string.Join(", ", results));
        }
        await credentials.CreateIfMissingAsync(row, row.FeeRatePpmApplied, ct);
        return await DecideAsync(db, row, MerchantRow.Active, reviewer, note);
    }

    public async Task<(MerchantRow? Merchant, string? Refusal)> RejectAsync(string mchId, string reviewer, string reason,
        CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var row = await db.Merchants.FirstOrDefaultAsync(m => m.MchId == mchId, ct);
        if (Unreviewable(row, reviewer) is { } refusal)
        {
            return (null, refusal);
        }
        return await DecideAsync(db, row!, MerchantRow.Rejected, reviewer, reason);
    }

    /// <summary>Pending → <paramref name="status"/> in one conditional statement: of two decisions at once, one wins.</summary>
    private async Task<(MerchantRow? Merchant, string? Refusal)> DecideAsync(ZhifuDb db, MerchantRow row, int status, string reviewer,
        string? note)
    {
        var at = clock.UtcNow;
        if (await db.Merchants.Where(m => m.Id == row.Id && m.Status == MerchantRow.Pending).ExecuteUpdateAsync(set => set
                .SetProperty(m => m.Status, status).SetProperty(m => m.ReviewedBy, reviewer).SetProperty(m => m.ReviewNote, note)
                .SetProperty(m => m.ReviewedAt, at), CancellationToken.None) == 0)
        {
            return (null, "MERCHANT_NOT_PENDING"); // decided by another reviewer a moment ago
        }
        (row.Status, row.ReviewedBy, row.ReviewNote, row.ReviewedAt) = (status, reviewer, note, at);
        return (row, null);
    }

    /// <summary>
    /// Changes an active merchant's terms. A high-risk merchant never keeps passwordless or face-pay eligibility (PWL-3).
    /// </summary>
    public async Task<(MerchantRow? Merchant, string? Refusal)> SetTermsAsync(string mchId, MerchantTerms terms, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var row = await db.Merchants.FirstOrDefaultAsync(m => m.MchId == mchId, ct);
        if (row is null)
        {
            return (null, "MERCHANT_NOT_FOUND");
        }
        if (row.Status is not (MerchantRow.Active or MerchantRow.Suspended))
        {
            return (null, "MERCHANT_NOT_ACTIVE"); // a suspended one's terms change too: eligibility taken away before it resumes
        }
        row.RiskLevel = terms.RiskLevel ?? row.RiskLevel;
        row.SinglePaymentLimitFen = terms.SinglePaymentLimitFen ?? row.SinglePaymentLimitFen;
        var mayBeEligible = MayBeEligible(row.RiskLevel);
        row.PasswordlessEligible = mayBeEligible && (terms.PasswordlessEligible ?? row.PasswordlessEligible);
        row.PasswordlessPerPaymentFen = terms.PasswordlessPerPaymentFen ?? row.PasswordlessPerPaymentFen; // PWL-3
        row.PasswordlessDailyFen = terms.PasswordlessDailyFen ?? row.PasswordlessDailyFen;
        row.FacePayEligible = mayBeEligible && (terms.FacePayEligible ?? row.FacePayEligible);
        if (row.PasswordlessPerPaymentFen > 0 && row.PasswordlessDailyFen > 0 && row.PasswordlessPerPaymentFen > row.PasswordlessDailyFen)
        {
            return (null, "PASSWORDLESS_LIMITS_INVALID"); // PWL-3: one limit changed against the other as it stands, not only both at once
        }
        if (terms.FeeRatePpm is { } fee)
        {
            await db.Set<MerchantCredentialRow>().Where(c => c.MerchantId == row.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.FeeRatePpm, fee).SetProperty(c => c.UpdatedAt, clock.UtcNow), ct);
        }
        await db.SaveChangesAsync(ct);
        credentials.Forget(row.MchId);
        return (row, null);
    }

    /// <summary>Whether a merchant of this risk level may hold passwordless or face-pay eligibility: never a high-risk one (PWL-3).
    /// <see cref="SetTermsAsync"/> quietly keeps both off for it; a page that asks for one explicitly says no first.</summary>
    public static bool MayBeEligible(string riskLevel) => riskLevel != "high";

    private static string? Unreviewable(MerchantRow? row, string reviewer) => row switch
    {
        null => "MERCHANT_NOT_FOUND",
        { Status: not MerchantRow.Pending } => "MERCHANT_NOT_PENDING",
        _ when row.AppliedBy == reviewer => "MERCHANT_FOUR_EYES", // the applicant does not approve their own application
        _ => null,
    };

    /// <summary>A 10-digit merchant number like the protocol's mchid, unused so far.</summary>
    private static async Task<string> NewMchIdAsync(ZhifuDb db, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var id = "16" + RandomDigits.Of(8);
            if (!await db.Merchants.AnyAsync(m => m.MchId == id, ct) || attempt >= 8)
            {
                return id;
            }
        }
    }
}

/// <summary>What operators may change on an active merchant; null leaves a term as it is.</summary>
public sealed record MerchantTerms(string? RiskLevel, int? FeeRatePpm, bool? PasswordlessEligible, bool? FacePayEligible,
    long? SinglePaymentLimitFen, long? PasswordlessPerPaymentFen = null, long? PasswordlessDailyFen = null)
{
    /// <summary>The first term out of range (field, Chinese, English), or null — for the Operator API and the console alike.</summary>
    public (string Field, string Zh, string En)? Problem()
    {
        if (RiskLevel is not null && !MerchantApplication.RiskLevels.Contains(RiskLevel))
        {
            return ("riskLevel", "风险等级须为 low、medium 或 high", "The risk level must be low, medium or high");
        }
        if (FeeRatePpm is < 0 or > MerchantApplication.FeeRatePpmMax)
        {
            return ("feeRatePpm", "费率须在 0–10% 之间", "The fee rate must be 0–10 %");
        }
        if (SinglePaymentLimitFen is < 0 or > int.MaxValue)
        {
            return ("singlePaymentLimitFen", "单笔限额超出范围", "The single payment limit is out of range");
        }
        if (PasswordlessPerPaymentFen is < 0 or > int.MaxValue || PasswordlessDailyFen is < 0 or > int.MaxValue
            || PasswordlessPerPaymentFen > 0 && PasswordlessDailyFen > 0 && PasswordlessPerPaymentFen > PasswordlessDailyFen)
        {
            return ("passwordlessPerPaymentFen", "免密限额超出范围，或单笔高于每日", "The passwordless limits are out of range, or per payment above daily"); // PWL-3
        }
        return null;
    }
}
