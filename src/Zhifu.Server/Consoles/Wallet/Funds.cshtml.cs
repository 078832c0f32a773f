using Microsoft.AspNetCore.Mvc;
using Zhifu.Core;
using Zhifu.Core.Banking;
using BoundCard = Zhifu.Server.Cards.BoundCard;
using Zhifu.Server.Funds;
using BankCards = Zhifu.Server.Cards.BankCards;
using Zhifu.Server.Statements;

namespace Zhifu.Server.Consoles.Wallet;

/// <summary>
/// 充值 / 提现 with a bound card (CARD-2, CARD-3): choose the card and amount, confirm with the payment password (ACC-7), the
/// SMS step-up when risk control asks (RISK-1); a review hold is shown as such (RISK-4). All through <see cref="WalletFunds"/>.
/// </summary>
public sealed class FundsModel(BankCards cards, WalletFunds funds, Accounts.WalletAccounts accounts, Core.Ledger.ILedger ledger)
    : WalletPage
{
    [BindProperty(SupportsGet = true)]
    public string Kind { get; set; } = "topup";

    [BindProperty]
    public string? Card { get; set; }

    [BindProperty]
    public string? Amount { get; set; }

    [BindProperty]
    public string? PaymentPassword { get; set; }

    [BindProperty]
    public string? VerificationCode { get; set; }

    /// <summary>Made when the form reaches the confirmation step and sent with every confirm: a second tap or a resent form
    /// answers the first movement instead of starting another.</summary>
    [BindProperty]
    public string? RequestId { get; set; }

    /// <summary>The route's constraint ignores case: <c>/wallet/TOPUP</c> is a top-up too, never the withdrawal form.</summary>
    public bool TopUp => string.Equals(Kind, "topup", StringComparison.OrdinalIgnoreCase);
    public string MovementKind => TopUp ? FundMovements.TopUp : FundMovements.Withdrawal;
    public IReadOnlyList<BoundCard> Cards { get; private set; } = [];
    public BoundCard? Chosen { get; private set; }
    public long AmountFen { get; private set; }
    public string Withdrawable { get; private set; } = "";
    public bool Confirming { get; private set; }
    public bool StepUp { get; private set; }
    public FundMovementRowView? Result { get; private set; }
    public string? CardError { get; private set; }
    public string? AmountError { get; private set; }
    public string? PasswordError { get; private set; }
    public string? CodeError { get; private set; }
    public string? Error { get; private set; }
    public string? Message { get; private set; }

    public sealed record FundMovementRowView(string Status, string Amount, string Card, string? FailureCode);

    public async Task OnGetAsync() => await LoadAsync();

    /// <summary>Step 1 → 2: checks the card and amount, then asks for the payment password.</summary>
    public async Task OnPostReviewAsync()
    {
        await LoadAsync();
        Confirming = Check();
        RequestId = Confirming ? Guid.NewGuid().ToString("N") : null;
    }

    public async Task OnPostSendCodeAsync()
    {
        await LoadAsync();
        Confirming = Check();
        StepUp = true;
        var refusal = await SendMyCodeAsync();
        (CodeError, Message) = (refusal, refusal is null ? T("验证码已发送到您的手机", "A code was sent to your phone") : null);
    }

    public async Task OnPostConfirmAsync()
    {
        await LoadAsync();
        if (!Check())
        {
            return;
        }
        Confirming = true;
        StepUp = !string.IsNullOrEmpty(VerificationCode);
        var (movement, error, refusal) = await funds.StartAsync(MovementKind, UserId, Card, AmountFen, PaymentPassword,
            VerificationCode?.Trim(), RequestId, Risk.RiskOrigin.Of(HttpContext), Aborted);
        if (refusal is not null)
        {
            Error = Say(refusal.ToError());
            return;
        }
        if (error is not null)
        {
            switch (error.Code)
            {
                case "BAD_PAYMENT_PASSWORD" or "PAYMENT_PASSWORD_LOCKED" or "PAYMENT_PASSWORD_NOT_SET":
                    PasswordError = Say(error);
                    break;
                case var c when IsStepUp(c):
                    StepUp = true;
                    Error = T("为保障资金安全，需要短信验证：请获取验证码后再次确认。", "For your safety, confirm with an SMS code: get the code, then confirm again.");
                    break;
                case "RISK_VERIFICATION_INVALID":
                    StepUp = true;
                    CodeError = Say(error);
                    break;
                default:
                    Error = Say(error);
                    break;
            }
            return;
        }
        Confirming = false;
        Result = new FundMovementRowView(movement!.Status, new Money(movement.AmountFen).ToString(), movement.CardMasked, movement.FailureCode);
        await LoadAsync();
    }

    private bool Check()
    {
        Chosen = Cards.FirstOrDefault(c => c.Token == Card);
        if (Chosen is null)
        {
            CardError = T("请选择一张已绑定的银行卡", "Choose one of your bound cards");
        }
        else if (!TopUp && Chosen.Type != BankCardType.Debit)
        {
            CardError = Say(FundsErrors.CreditCardCannotReceive);
        }
        if (!Money.TryParseYuan(Amount, out var money) || money.Fen <= 0 || money.Fen > funds.MaxFen(MovementKind))
        {
            AmountError = T($"请输入正确的金额（元，最多两位小数，单笔不超过 {new Money(funds.MaxFen(MovementKind))}）",
                $"Enter a valid amount in yuan (at most 2 decimals, at most {new Money(funds.MaxFen(MovementKind))})");
        }
        AmountFen = money.Fen;
        return CardError is null && AmountError is null;
    }

    private async Task LoadAsync()
    {
        var all = await cards.ListAsync(UserId, Aborted);
        Cards = TopUp ? all : [.. all.Where(c => c.AcceptsWithdrawals)];
        var user = (await accounts.FindAsync(UserId, Aborted))!;
        Withdrawable = StatementViews.Balance(ledger, user).Withdrawable;
    }

    /// <summary>"工商银行储蓄卡（5670）": the bank, the card type and the last four digits of the masked number.</summary>
    public static string CardName(BoundCard card, bool en)
    {
        ArgumentNullException.ThrowIfNull(card);
        var tail = card.MaskedNumber.Length >= 4 ? card.MaskedNumber[^4..] : card.MaskedNumber;
        var credit = card.Type == BankCardType.Credit;
        return en ? $"{BankNames.En(card.Bank)} {(credit ? "credit" : "debit")} card ({tail})"
            : $"{BankNames.Zh(card.Bank)}{(credit ? "信用卡" : "储蓄卡")}（{tail}）";
    }
}
