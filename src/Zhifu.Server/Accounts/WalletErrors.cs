using Zhifu.Server.Hosting;

namespace Zhifu.Server.Accounts;

/// <summary>A refusal of the Wallet API: a stable code, the HTTP status, and the message in Chinese and English.</summary>
public sealed record WalletError(int Status, string Code, string Zh, string En)
{
    public IResult ToResult(HttpContext context) => ApiProblem.Create(context, Status, Code, Zh, En);
}

/// <summary>Every refusal the wallet features give, in one place so codes stay stable.</summary>
public static class WalletErrors
{
    public static readonly WalletError InvalidPhone = new(400, "INVALID_PHONE", "请输入 11 位中国大陆手机号", "Enter an 11-digit mainland China mobile number");
    public static readonly WalletError InvalidPurpose = new(400, "INVALID_PURPOSE", "不支持的验证码用途", "Unknown one-time code purpose");
    public static readonly WalletError TooManyCodes = new(429, "OTP_RATE_LIMITED", "验证码发送过于频繁，请稍后再试", "Too many codes requested; try again later");
    public static readonly WalletError FacePasscodeNotSet = new(409, "FACE_PASSCODE_NOT_SET", "请先在钱包中设置刷脸支付口令",
        "Set a face payment passcode in the wallet first");
    public static readonly WalletError BadFacePasscode = new(401, "BAD_FACE_PASSCODE", "支付口令错误", "Wrong face payment passcode");
    public static readonly WalletError FacePasscodeLocked = new(423, "FACE_PASSCODE_LOCKED", "支付口令错误次数过多，已暂时锁定",
        "Too many wrong passcodes: locked for a while");
    public static readonly WalletError FacePasscodeSameAsPaymentPassword = new(400, "FACE_PASSCODE_SAME_AS_PAYMENT_PASSWORD",
        "支付口令不能与支付密码相同", "The passcode must differ from the payment password");
    public static readonly WalletError BadCode = new(400, "OTP_INVALID", "验证码错误或已过期", "The one-time code is wrong or expired");
    public static readonly WalletError CredentialsFrozen = new(409, "CREDENTIALS_FROZEN",
        "钱包已挂失冻结，不能修改密码；请先解除冻结（或到柜台办理）", "The wallet is frozen as lost: passwords cannot change; unfreeze it first (or at a counter)");
    public static readonly WalletError AgreementRequired = new(400, "AGREEMENT_NOT_ACCEPTED",
        "请阅读并同意《知付支付服务协议》", "Read and accept the Zhifu payment service agreement");
    public static readonly WalletError AgreementOutdated = new(400, "AGREEMENT_VERSION_OUTDATED",
        "协议已更新，请阅读最新版本后再同意", "The agreement has changed; read and accept the current version");
    public static readonly WalletError WeakLoginPassword = new(400, "WEAK_LOGIN_PASSWORD",
        "登录密码须为 8–64 位，且同时包含字母和数字", "The login password must be 8–64 characters with both letters and digits");
    public static readonly WalletError WeakPaymentPassword = new(400, "WEAK_PAYMENT_PASSWORD",
        "支付密码须为 6 位数字，且不能是连续或重复的数字", "The payment password must be 6 digits, not a run or a repeat");
    public static readonly WalletError WeakFacePasscode = new(400, "WEAK_FACE_PASSCODE",
        "支付口令须为 6 位数字，且不能是连续或重复的数字", "The passcode must be 6 digits, not a run or a repeat");
    public static readonly WalletError PhoneTaken = new(409, "PHONE_ALREADY_HAS_WALLET", "该手机号已开通钱包", "This phone number already has a wallet");
    public static readonly WalletError BatchOpening = new(403, "OPENING_REFUSED_BATCH",
        "同一设备短时间内开户过多，疑似批量开户，已拒绝（ACC-3）", "Too many wallets opened from one device: suspected batch opening (ACC-3)");
    public static readonly WalletError BadCredentials = new(401, "BAD_CREDENTIALS", "手机号或密码错误", "Wrong phone number or password");
    public static readonly WalletError LoginLocked = new(423, "LOGIN_LOCKED", "密码错误次数过多，账户已暂时锁定", "Too many wrong passwords: sign-in is locked for a while");
    public static readonly WalletError BadPaymentPassword = new(401, "BAD_PAYMENT_PASSWORD", "支付密码错误", "Wrong payment password");
    public static readonly WalletError PaymentLocked = new(423, "PAYMENT_PASSWORD_LOCKED",
        "支付密码错误次数过多，已暂时锁定", "Too many wrong payment passwords: payments are locked for a while");
    public static readonly WalletError PhoneHasNoWallet = new(404, "PHONE_HAS_NO_WALLET", "该手机号尚未开通钱包，请核对号码",
        "This phone number has no wallet: check the number");
    public static readonly WalletError PaymentPasswordRequired = new(400, "PAYMENT_PASSWORD_REQUIRED", "请输入支付密码",
        "Give the payment password");
    public static readonly WalletError PaymentPasswordNotSet = new(409, "PAYMENT_PASSWORD_NOT_SET", "请先设置支付密码", "Set a payment password first");
    public static readonly WalletError MustChangePassword = new(403, "PASSWORD_CHANGE_REQUIRED",
        "初始密码须修改后才能办理业务", "Change the initial password before doing business");
    public static readonly WalletError AccountClosed = new(409, "ACCOUNT_CLOSED", "账户已注销", "The account is closed");
    public static readonly WalletError SignInRequired = new(401, "SIGN_IN_REQUIRED", "请先登录", "Sign in first");
}
