using Zhifu.Server.Accounts;

namespace Zhifu.Server.Risk;

/// <summary>Every refusal of risk control, to wallet users and operators, with stable codes.</summary>
public static class RiskErrors
{
    public static readonly WalletError Blocked = new(403, "RISK_BLOCKED",
        "该笔交易存在风险，已被拦截。如有疑问请联系客服（RISK-1）", "This movement was blocked by risk control; contact customer service if in doubt (RISK-1)");
    public static readonly WalletError StepUpRequired = new(428, "RISK_VERIFICATION_REQUIRED",
        "为保障资金安全，请获取短信验证码（用途 risk-verify）后携带 verificationCode 再次提交",
        "For your safety, request an SMS code (purpose risk-verify) and send the request again with verificationCode");
    public static readonly WalletError BadStepUpCode = new(400, "RISK_VERIFICATION_INVALID", "验证码错误或已过期", "The one-time code is wrong or expired");
    public static readonly WalletError InvalidRule = new(400, "RISK_RULE_INVALID", "规则定义有误", "The rule definition is invalid");
    public static readonly WalletError InvalidRuleId = new(400, "RISK_RULE_ID_INVALID",
        "规则编号须为 1–32 位字母、数字或 -", "A rule id is 1–32 letters, digits or '-'");
    public static readonly WalletError RuleNotFound = new(404, "RISK_RULE_NOT_FOUND", "找不到该规则", "No such rule");
    public static readonly WalletError InvalidList = new(400, "RISK_LIST_INVALID",
        "名单须为 account、device、card 或 merchant，并且只给出对应的一个对象", "The list is account, device, card or merchant with exactly its one subject");
    public static readonly WalletError ListEntryNotFound = new(404, "RISK_LIST_ENTRY_NOT_FOUND", "找不到该名单条目", "No such list entry");
    public static readonly WalletError CaseNotFound = new(404, "CASE_NOT_FOUND", "找不到该案件", "No such case");
    public static readonly WalletError CaseDecided = new(409, "CASE_ALREADY_DECIDED", "案件已作出决定", "The case is already decided");
    public static readonly WalletError CaseBeingDecided = new(409, "CASE_BEING_DECIDED", "该案件的另一决定正在执行或已开始执行，请刷新后查看",
        "Another decision of this case is being carried out (or was started); reload it");
    public static readonly WalletError CasePartyRestricted = new(409, "CASE_PARTY_RESTRICTED",
        "付款方或收款方账户现已被限制（冻结、涉案、休眠，或商户已暂停交易），暂不能放行；可待限制解除后放行，或作废退回",
        "A party is restricted now (a wallet frozen, involved or dormant, or the merchant suspended): it cannot be released; release it once lifted, or void it");
    public static readonly WalletError CaseChanged = new(409, "CASE_CHANGED", "案件刚被他人处理，请刷新后重试", "Someone else just acted on the case; reload it");
    public static readonly WalletError CaseDecisionInvalid = new(400, "CASE_DECISION_INVALID",
        "审核案件的决定为 release 或 void，告警案件为 legitimate 或 fraud", "A review case is decided release or void, an alert case legitimate or fraud");
    public static readonly WalletError NoteInvalid = new(400, "CASE_NOTE_INVALID", "备注须为 1–1000 个字符", "A note is 1–1000 characters");
    public static readonly WalletError Unavailable = new(503, "LEDGER_UNAVAILABLE", "账务系统暂不可用，请稍后再试", "The ledger is unavailable; try again");

    public static WalletError ForCase(string code) => code switch
    {
        "CASE_NOT_FOUND" => CaseNotFound,
        "CASE_ALREADY_DECIDED" => CaseDecided,
        "CASE_CHANGED" => CaseChanged,
        "CASE_BEING_DECIDED" => CaseBeingDecided,
        "CASE_PARTY_RESTRICTED" => CasePartyRestricted,
        "CASE_DECISION_INVALID" => CaseDecisionInvalid,
        _ => Unavailable,
    };
}
