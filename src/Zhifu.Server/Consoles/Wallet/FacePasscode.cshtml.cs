using Microsoft.AspNetCore.Mvc;
using Zhifu.Server.Accounts;
using Zhifu.Server.Face;

namespace Zhifu.Server.Consoles.Wallet;

/// <summary>
/// 支付口令 (FACE-4): the six digits typed on a face terminal after the face is found — not the payment password. Set with an
/// SMS code of purpose <c>face-passcode</c>, the payment password and the new passcode typed twice, through
/// <see cref="WalletCredentials.SetFacePasscodeAsync"/> (the Wallet API's own); each refusal beside its field.
/// </summary>
public sealed class FacePasscodeModel(WalletCredentials credentials, FaceEnrolment enrolment) : FacePage
{
    public const string CodePurpose = "face-passcode";

    [BindProperty]
    public string? Code { get; set; }

    [BindProperty]
    public string? PaymentPassword { get; set; }

    [BindProperty]
    public string? Passcode { get; set; }

    [BindProperty]
    public string? PasscodeAgain { get; set; }

    public bool PasscodeSet { get; private set; }

    public bool Done { get; private set; }

    public async Task OnGetAsync() => await LoadAsync();

    public async Task OnPostSendCodeAsync()
    {
        if (await SendMyCodeAsync(CodePurpose) is { } refusal)
        {
            FieldErrors["code"] = refusal;
        }
        else
        {
            Message = T("验证码已发送到您的手机", "A code was sent to your phone");
        }
        await LoadAsync();
    }

    public async Task OnPostSetAsync()
    {
        if (Passcode != PasscodeAgain)
        {
            // before the service: a typing slip must not spend the SMS code
            FieldErrors["passcodeAgain"] = T("两次输入的支付口令不一致，请重新输入", "The two passcodes differ; type them again");
        }
        else if (await credentials.SetFacePasscodeAsync(UserId, PaymentPassword, Code?.Trim(), Passcode, Aborted) is { } error)
        {
            Refuse(error, error == WalletErrors.FacePasscodeSameAsPaymentPassword || error == WalletErrors.WeakFacePasscode ? "passcode"
                : error == WalletErrors.BadCode ? "code" : null);
        }
        else
        {
            (Done, Message) = (true, T("支付口令已设置。刷脸付款时在商户设备上输入它。", "Your passcode is set. Type it on the shop's face device when you pay."));
        }
        await LoadAsync();
    }

    private async Task LoadAsync() => PasscodeSet = (await enrolment.StatusAsync(UserId, Aborted)).PasscodeSet;
}
