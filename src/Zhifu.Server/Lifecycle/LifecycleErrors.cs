using Zhifu.Server.Accounts;

namespace Zhifu.Server.Lifecycle;

/// <summary>Every refusal of the account lifecycle (ACC-4 … ACC-6), with stable codes.</summary>
public static class LifecycleErrors
{
    public static readonly WalletError FrozenByHolder = new(403, "ACCOUNT_FROZEN_BY_HOLDER",
        "账户已由本人挂失冻结，请使用支付密码和短信验证码解冻", "The holder froze this wallet; unfreeze it with the payment password and an SMS code");
    public static readonly WalletError FrozenByOperator = new(403, "ACCOUNT_FROZEN_BY_OPERATOR",
        "账户因风险或司法原因已被冻结，请联系客服", "The wallet is frozen for risk or legal reasons; contact customer service");
    public static readonly WalletError LegalFreezeRole = new(403, "LEGAL_FREEZE_ROLE",
        "司法冻结只能由风控或运营人员设置和解除", "Only risk and operations staff may set or lift a legal freeze");
    public static readonly WalletError InvalidFreezeBasis = new(400, "FREEZE_BASIS_INVALID",
        "冻结依据须为 risk（风控）或 legal（司法）", "The freeze basis is risk or legal");
    public static readonly WalletError Dormant = new(403, "ACCOUNT_DORMANT",
        "账户开立后规定期限内无交易，已暂停全部业务，请重新核验身份后恢复（ACC-4）",
        "No transaction within the dormancy period after opening: all business is suspended until you re-verify your identity (ACC-4)");
    public static readonly WalletError Involved = new(403, "ACCOUNT_INVOLVED_LISTED",
        "账户已列入涉案账户名单，全部业务暂停（ACC-5）", "The account is on the involved-account list: all business is suspended (ACC-5)");
    public static readonly WalletError NonCounterSuspended = new(403, "ACCOUNT_NON_COUNTER_SUSPENDED",
        "因出租、出借、出售、购买账户或冒名开户，非柜面业务暂停，请到柜面办理（ACC-5）",
        "Renting, lending, selling or buying accounts, or a false identity: non-counter business is suspended; use the counter (ACC-5)");
    public static readonly WalletError NumberDetached = new(403, "ACCOUNT_NUMBER_DETACHED",
        "原手机号已过户或销号，账户已冻结，请本人持证件到柜面绑定新手机号",
        "The phone number was transferred or cancelled: the wallet is frozen until the holder binds a new number at the counter");
    public static readonly WalletError OpeningRefused = new(403, "OPENING_REFUSED_INVOLVED",
        "该手机号、身份证件或设备因涉及买卖、出租、出借账户或冒名开户，暂不能开立新账户（ACC-5）",
        "This phone, ID or device is barred from opening new accounts for trading accounts or a false identity (ACC-5)");
    public static readonly WalletError UserNotFound = new(404, "USER_NOT_FOUND", "找不到该钱包用户", "No such wallet user");
    public static readonly WalletError AlreadyFrozen = new(409, "ALREADY_FROZEN", "账户已处于冻结状态", "The wallet is already frozen");
    public static readonly WalletError NotFrozen = new(409, "NOT_FROZEN", "账户没有可解除的冻结", "There is no such freeze to lift");
    public static readonly WalletError NotDormant = new(409, "NOT_DORMANT", "账户不是休眠状态", "The wallet is not dormant");
    public static readonly WalletError NotDetached = new(409, "NUMBER_NOT_DETACHED", "该账户的手机号未被解绑", "The wallet's number is not detached");
    public static readonly WalletError BalanceNotZero = new(409, "BALANCE_NOT_ZERO",
        "请先提现全部余额（含消费专用余额）再注销", "Withdraw the whole balance (consumption-only funds too) before closing");
    public static readonly WalletError OpenHolds = new(409, "OPEN_HOLDS",
        "尚有在途资金或未完成的交易，请完成后再注销", "Money is still on hold or in transit; close once it has settled");
    public static readonly WalletError ClosureInProgress = new(409, "CLOSURE_IN_PROGRESS",
        "注销申请正在处理中，请稍后再查看", "A closure of this wallet is already under way; check again shortly");
    public static readonly WalletError MergeUnsettled = new(409, "MERGE_UNSETTLED",
        "合并进本账户的另一账户尚有在途资金（审核中或延时到账），到账后方可注销",
        "Money of a wallet merged into this one is still on hold (under review or arriving later); close once it has arrived");
    public static readonly WalletError ClosureBlocked = new(409, "CLOSURE_BLOCKED",
        "账户被冻结或列入涉案名单，暂不能注销", "A frozen or listed wallet cannot be closed");
    public static readonly WalletError ConfirmationRequired = new(400, "CONFIRMATION_REQUIRED",
        "请输入支付密码和短信验证码", "Give the payment password and the SMS code");
    public static readonly WalletError IdNumberRequired = new(400, "ID_NUMBER_REQUIRED",
        "请输入本人身份证号码", "Give the holder's ID number");
    public static readonly WalletError IdNumberMismatch = new(403, "ID_NUMBER_MISMATCH",
        "身份证号码与账户实名信息不符", "The ID number does not match the wallet's holder");
    public static readonly WalletError IdentityNotConfirmed = new(403, "IDENTITY_NOT_CONFIRMED",
        "外部渠道未能核实您的身份，请本人持证件到柜面办理", "No external source confirmed your identity; visit the counter with your ID");
    public static readonly WalletError IdentityCheckUnavailable = new(503, "IDENTITY_CHECK_UNAVAILABLE",
        "身份核验渠道暂不可用，请稍后再试", "The identity check is unavailable; try again later");
    public static readonly WalletError ReasonRequired = new(400, "REASON_REQUIRED",
        "请填写原因（1–256 字）", "Give a reason (1–256 characters)");
    public static readonly WalletError TicketRequired = new(400, "TICKET_REQUIRED", "请填写业务受理单号", "Give the service ticket number");
    public static readonly WalletError InvalidIdNumber = new(400, "INVALID_ID_NUMBER",
        "请输入 18 位居民身份证号码", "Enter an 18-character resident ID number");
    public static readonly WalletError EntryNotFound = new(404, "INVOLVED_ENTRY_NOT_FOUND", "找不到该名单条目", "No such list entry");
    public static readonly WalletError AlreadyRemoved = new(409, "INVOLVED_ENTRY_ALREADY_REMOVED",
        "该名单条目已移除", "The entry was already removed");
    public static readonly WalletError InvalidCategory = new(400, "INVALID_CATEGORY",
        "名单类别须为 involved、rented-out、lent-out、sold、bought 或 false-identity",
        "The category must be involved, rented-out, lent-out, sold, bought or false-identity");
    public static readonly WalletError OneSubject = new(400, "SUBJECT_REQUIRED",
        "请只填写一项：用户 ID、手机号、身份证号或设备号", "Give exactly one of user id, phone, ID number or device id");
    public static readonly WalletError DeviceNeedsPerson = new(400, "DEVICE_NEEDS_PERSON_CATEGORY",
        "设备只能因买卖、出租、出借账户或冒名开户列入名单", "A device can only be listed for trading accounts or a false identity");
    public static readonly WalletError SourceRequired = new(400, "SOURCE_REQUIRED",
        "请填写名单来源（1–64 字）", "Give the list source (1–64 characters)");
    public static readonly WalletError ExpiryInPast = new(400, "EXPIRY_IN_PAST", "到期时间须晚于现在", "The expiry must lie in the future");
    public static readonly WalletError SearchKeyRequired = new(400, "SEARCH_KEY_REQUIRED",
        "请只按手机号或身份证号之一查询", "Search by exactly one of phone or ID number");
    public static readonly WalletError InvalidRequest = new(400, "INVALID_REQUEST", "请求格式不正确", "The request is malformed");

    /// <summary>The refusal that names a restriction kind.</summary>
    public static WalletError For(string kind) => kind switch
    {
        RestrictionKinds.Closed => WalletErrors.AccountClosed,
        RestrictionKinds.NumberDetached => NumberDetached,
        RestrictionKinds.Involved => Involved,
        RestrictionKinds.OperatorFreeze or RestrictionKinds.LegalFreeze => FrozenByOperator,
        RestrictionKinds.HolderFreeze => FrozenByHolder,
        RestrictionKinds.Dormant => Dormant,
        RestrictionKinds.InvolvedPerson => NonCounterSuspended,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown restriction kind"),
    };
}
