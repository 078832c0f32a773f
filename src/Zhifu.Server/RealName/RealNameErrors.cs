using Zhifu.Server.Accounts;

namespace Zhifu.Server.RealName;

/// <summary>Every refusal of real-name verification and account classes (ACC-2, ACC-3), with stable codes.</summary>
public static class RealNameErrors
{
    public static readonly WalletError InvalidRequest = new(400, "INVALID_REQUEST", "请求格式不正确", "The request is malformed");
    public static readonly WalletError InvalidName = new(400, "INVALID_NAME",
        "请输入与身份证件一致的姓名（2–64 个字）", "Enter the name as on the ID card (2–64 letters)");
    public static readonly WalletError InvalidIdNumber = new(400, "INVALID_ID_NUMBER",
        "请输入 18 位居民身份证号码", "Enter an 18-character resident ID number");
    public static readonly WalletError AlreadyVerifiedAsOther = new(409, "REAL_NAME_ALREADY_VERIFIED",
        "本账户已实名认证为其他身份，不能更改", "This wallet is already verified for another person; that cannot change");
    public static readonly WalletError TooManyAttempts = new(429, "REAL_NAME_TOO_MANY_ATTEMPTS",
        "今日实名认证次数过多，请明天再试或到柜面办理", "Too many verification attempts today; try tomorrow or visit the counter");
    public static readonly WalletError IdentityDoubtful = new(422, "IDENTITY_DOUBTFUL",
        "外部渠道均未能核实您的身份，无法开通余额功能；请核对信息，或本人持身份证件到柜面办理（ACC-3）",
        "No external source confirmed this identity, so the wallet stays unverified; check the details or visit the counter (ACC-3)");
    public static readonly WalletError SourcesUnavailable = new(503, "REAL_NAME_SOURCES_UNAVAILABLE",
        "身份核验渠道暂时无应答，请稍后再试", "No verification source answered; try again later");
    public static readonly WalletError NotSubmitted = new(409, "REAL_NAME_NOT_SUBMITTED",
        "该用户尚未提交实名信息，请先在钱包中提交姓名和身份证号", "The holder has not submitted a name and ID number yet");
    public static readonly WalletError UserNotFound = new(404, "USER_NOT_FOUND", "找不到该钱包用户", "No such wallet user");
    public static readonly WalletError DocumentMismatch = new(409, "REAL_NAME_DOCUMENT_MISMATCH",
        "证件上的姓名或身份证号与该钱包提交的实名信息不一致，不能核实", "The name or ID number on the document differs from the identity this wallet submitted; not verified");
    public static readonly WalletError MergeRestricted = new(409, "REAL_NAME_MERGE_RESTRICTED",
        "有账户处于冻结、止付、涉案名单或久悬等限制中，解除前不能合并；可先选择降级",
        "One of the wallets is frozen, listed or dormant; they cannot be merged until that is lifted (a downgrade is possible)");
    public static readonly WalletError TicketRequired = new(400, "TICKET_REQUIRED", "请填写业务受理单号", "Give the service ticket number");
    public static readonly WalletError NoChoicePending = new(409, "NO_CLASS_THREE_CHOICE_PENDING",
        "当前没有需要处理的Ⅲ类账户选择", "There is no Class Ⅲ choice to make");
    public static readonly WalletError InvalidChoice = new(400, "INVALID_CLASS_THREE_CHOICE",
        "请选择保留的账户和处理方式（downgrade 降级或 merge 合并；合并只能并入本账户）",
        "Choose the account to keep and downgrade or merge (a merge moves the other wallet into this one)");
    public static readonly WalletError ChoiceChanged = new(409, "CLASS_THREE_CHOICE_CHANGED",
        "Ⅲ类账户的归属已变化（另一账户刚刚作出了选择），请刷新后重新选择", "Which wallet holds Class Ⅲ changed meanwhile; look again and choose");
    public static readonly WalletError ChoiceAccountNotFound = new(404, "CLASS_THREE_CHOICE_ACCOUNT_NOT_FOUND",
        "该账户不在本次Ⅲ类账户选择之中", "That account is not part of this Class Ⅲ choice");
}
