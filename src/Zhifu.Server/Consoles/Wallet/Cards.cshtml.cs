using Microsoft.AspNetCore.Mvc;
using Zhifu.Server.Accounts;
using Zhifu.Server.Cards;

namespace Zhifu.Server.Consoles.Wallet;

/// <summary>银行卡 (CARD-1, CARD-3): bound cards, masked (ACC-8); bind one with an SMS code (the bank confirms it is the holder's); unbind.</summary>
public sealed class CardsModel(BankCards cards) : WalletPage
{
    public const string CodePurpose = "bind-card";

    [BindProperty]
    public string? Bank { get; set; }

    [BindProperty]
    public string? CardNumber { get; set; }

    [BindProperty]
    public string? Otp { get; set; }

    public IReadOnlyList<BoundCard> Cards { get; private set; } = [];
    public string? NumberError { get; private set; }
    public string? OtpError { get; private set; }
    public string? Error { get; private set; }
    public string? Message { get; private set; }

    public async Task OnGetAsync() => Cards = await cards.ListAsync(UserId, Aborted);

    public async Task OnPostSendCodeAsync()
    {
        var refusal = await SendMyCodeAsync(CodePurpose);
        (OtpError, Message) = (refusal, refusal is null ? T("验证码已发送到您的手机", "A code was sent to your phone") : null);
        Cards = await cards.ListAsync(UserId, Aborted);
    }

    public async Task OnPostBindAsync()
    {
        var (card, error) = await cards.BindCardAsync(UserId, Bank, CardNumber is { Length: <= 32 } n ? n : null, Otp?.Trim(), Aborted);
        if (error is null)
        {
            Message = T($"已绑定 {card!.MaskedNumber}", $"Bound {card!.MaskedNumber}");
            (CardNumber, Otp) = (null, null);
        }
        else if (error.Code is "INVALID_CARD_NUMBER" or "CARD_ALREADY_BOUND")
        {
            NumberError = Say(error);
        }
        else if (error == WalletErrors.BadCode)
        {
            OtpError = Say(error);
        }
        else
        {
            Error = Say(error);
        }
        Cards = await cards.ListAsync(UserId, Aborted);
    }

    public async Task OnPostUnbindAsync(string? token)
    {
        var error = await cards.UnbindAsync(UserId, token, Aborted);
        (Error, Message) = (error is null ? null : Say(error), error is null ? T("已解绑", "Unbound") : null);
        Cards = await cards.ListAsync(UserId, Aborted);
    }
}
