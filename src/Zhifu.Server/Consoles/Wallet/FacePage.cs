using Zhifu.Server.Accounts;

namespace Zhifu.Server.Consoles.Wallet;

/// <summary>
/// The 刷脸支付 pages (<c>/wallet/face</c>, its passcode and claims pages): a notice at the top, and refusals said beside the
/// field they are about (by the form field's name), as elderly users need them — next to what to change.
/// </summary>
public abstract class FacePage : WalletPage
{
    public Dictionary<string, string> FieldErrors { get; } = [];
    public string? Error { get; protected set; }
    public string? Message { get; protected set; }

    public string? FieldError(string field) => FieldErrors.GetValueOrDefault(field);

    /// <summary>
    /// Says <paramref name="error"/> beside <paramref name="field"/>; a refusal of the payment password beside that field
    /// (<c>paymentPassword</c>); anything else in the notice.
    /// </summary>
    protected void Refuse(WalletError error, string? field = null)
    {
        ArgumentNullException.ThrowIfNull(error);
        field ??= error.Code is "BAD_PAYMENT_PASSWORD" or "PAYMENT_PASSWORD_LOCKED" or "PAYMENT_PASSWORD_NOT_SET"
            ? "paymentPassword" : null;
        if (field is null)
        {
            Error = Say(error);
        }
        else
        {
            FieldErrors[field] = Say(error);
        }
    }
}
