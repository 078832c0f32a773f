using Zhifu.Server.Accounts;

namespace Zhifu.Server.Cards;

/// <summary>Every refusal of card binding (CARD-1), with stable codes.</summary>
public static class CardErrors
{
    public static readonly WalletError InvalidRequest = new(400, "INVALID_REQUEST", "请求格式不正确", "The request is malformed");
    public static readonly WalletError InvalidBank = new(400, "INVALID_BANK", "请选择发卡银行（如 ICBC）", "Choose the issuing bank (e.g. ICBC)");
    public static readonly WalletError InvalidCardNumber = new(400, "INVALID_CARD_NUMBER",
        "卡号应为 12–19 位数字，请核对后重新输入", "A card number is 12–19 digits with a valid check digit; check it and try again");
    public static readonly WalletError RealNameRequired = new(403, "REAL_NAME_REQUIRED",
        "请先完成实名认证再绑定银行卡", "Verify your real name before binding a card");
    public static readonly WalletError AlreadyBound = new(409, "CARD_ALREADY_BOUND", "该银行卡已绑定", "This card is already bound");
    public static readonly WalletError TooManyCards = new(409, "CARD_LIMIT_REACHED",
        "绑定的银行卡已达上限，请先解绑不用的卡", "Too many bound cards; unbind one you no longer use");
    public static readonly WalletError NotFoundAtBank = new(422, "CARD_NOT_FOUND_AT_BANK",
        "发卡行未找到该卡，请核对银行和卡号", "The bank does not know this card; check the bank and the number");
    public static readonly WalletError ClosedAtBank = new(422, "CARD_CLOSED_AT_BANK", "该卡已销户或停用", "The card is closed at the bank");
    public static readonly WalletError HolderMismatch = new(422, "CARD_HOLDER_MISMATCH",
        "银行预留的姓名、身份证号或手机号与本账户实名信息不一致",
        "The bank's holder name, ID number or phone does not match this wallet's verified holder");
    public static readonly WalletError BankRefused = new(502, "BANK_REFUSED",
        "银行拒绝了核验请求，请稍后再试", "The bank refused the check; try again later");
    public static readonly WalletError BankUnavailable = new(503, "BANK_UNAVAILABLE",
        "银行暂时无应答，请稍后再试（未绑定）", "The bank did not answer; try again later (nothing was bound)");
    public static readonly WalletError NotFound = new(404, "CARD_NOT_FOUND", "找不到该银行卡", "No such card");
}
