using Zhifu.Server.Payments.Codes;

namespace Zhifu.Server.Consoles.Wallet;

/// <summary>
/// 付款码 (PAY-2): the holder's own payment code as QR code and barcode, drawn on the server, the page reloading itself before
/// the code expires (a meta refresh); charges a merchant made with it that wait for the payment password are listed.
/// </summary>
public sealed class PayCodeModel(HolderPaymentCodes codes) : WalletPage
{
    public string? Code { get; private set; }
    public DateTimeOffset ExpiresAt { get; private set; }
    public int RefreshSeconds { get; private set; }
    public string? Error { get; private set; }
    public IReadOnlyList<PendingCharge> Pending { get; private set; } = [];

    public async Task OnGetAsync()
    {
        (Code, ExpiresAt, var error) = await codes.IssueAsync(UserId, Aborted);
        Error = error is null ? null : Say(error);
        RefreshSeconds = Math.Max(5, codes.ValidSeconds - 5);
        Pending = await codes.PendingAsync(UserId, Aborted);
    }
}
