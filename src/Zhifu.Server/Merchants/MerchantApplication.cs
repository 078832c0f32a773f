using Zhifu.Core.Banking;
using Zhifu.Server.RealName;

namespace Zhifu.Server.Merchants;

/// <summary>
/// 商户进件 (MER-1): what an operator enters for a new merchant — business name and licence, legal person, category, risk
/// level, fee rate, settlement bank account and limit — validated field by field.
/// </summary>
public sealed record MerchantApplication(string? Name, string? LicenceNo, string? LegalPersonName, string? LegalPersonIdNumber, string? Mcc,
    string? RiskLevel, int? FeeRatePpm, string? SettlementBank, string? SettlementAccountNo, string? SettlementAccountName,
    long? SinglePaymentLimitFen)
{
    public static readonly string[] RiskLevels = ["low", "medium", "high"];
    public static readonly string[] SettlementBanks = ["ICBC", "CCB", "ABC", "BOC", "CMB", "BOCOM", "PSBC"];

    /// <summary>Fee rates above this (10 %) are refused as a typing mistake.</summary>
    public const int FeeRatePpmMax = 100_000;

    /// <summary>Every field that is wrong, in form order (a form shows each beside its field).</summary>
    public IEnumerable<(string Field, string Zh, string En)> Problems(DateOnly today)
    {
        if (Name?.Trim() is not { Length: >= 2 and <= 64 })
        {
            yield return ("name", "商户名称须为 2–64 个字符", "The merchant's name must be 2–64 characters");
        }
        if (!CheckDigits.IsValidCreditCode(LicenceNo))
        {
            yield return ("licenceNo", "统一社会信用代码无效（18 位，校验位须正确）", "The unified social credit code is not valid");
        }
        if (IdentityRules.NormalName(LegalPersonName) is null)
        {
            yield return ("legalPersonName", "法定代表人姓名无效", "The legal person's name is not valid");
        }
        if (IdentityRules.NormalIdNumber(LegalPersonIdNumber, today) is null)
        {
            yield return ("legalPersonIdNumber", "法定代表人身份证号无效", "The legal person's ID number is not valid");
        }
        if (Mcc is not { Length: 4 } || !Mcc.All(char.IsAsciiDigit))
        {
            yield return ("mcc", "商户类别码（MCC）须为 4 位数字", "The merchant category code (MCC) must be 4 digits");
        }
        if (!RiskLevels.Contains(RiskLevel))
        {
            yield return ("riskLevel", "风险等级须为 low、medium 或 high", "The risk level must be low, medium or high");
        }
        if (FeeRatePpm is not (>= 0 and <= FeeRatePpmMax))
        {
            yield return ("feeRatePpm", "费率须在 0–10%（0–100000 ppm）之间", "The fee rate must be 0–10 % (0–100000 ppm)");
        }
        if (!SettlementBanks.Contains(SettlementBank))
        {
            yield return ("settlementBank", "结算银行不受支持", "The settlement bank is not supported");
        }
        if (SettlementAccountNo is not { Length: >= 12 and <= 30 } || !SettlementAccountNo.All(char.IsAsciiDigit))
        {
            yield return ("settlementAccountNo", "结算账号须为 12–30 位数字", "The settlement account number must be 12–30 digits");
        }
        if (SettlementAccountName?.Trim() is not { Length: >= 2 and <= 64 })
        {
            yield return ("settlementAccountName", "结算账户名须为 2–64 个字符", "The settlement account name must be 2–64 characters");
        }
        if (SinglePaymentLimitFen is not (null or (>= 0 and <= int.MaxValue)))
        {
            yield return ("singlePaymentLimitFen", "单笔限额须在 0–21474836.47 元之间（0 为不另设）",
                "The single payment limit must be 0–21474836.47 yuan (0: none)");
        }
    }
}
