using Microsoft.AspNetCore.Mvc;
using Zhifu.Server.Transfers;

namespace Zhifu.Server.Consoles.Wallet;

/// <summary>A transfer's receipt (TRF-3): status, arrival, the review hold (RISK-4); a pending one is revoked here (TRF-3).</summary>
public sealed class TransferReceiptModel(WalletTransfers transfers) : WalletPage
{
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    public TransferDto? Transfer { get; private set; }
    public string? Error { get; private set; }
    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : NotFoundPage();

    public async Task<IActionResult> OnPostRevokeAsync()
    {
        var (_, problem) = await transfers.RevokeAsync(UserId, Id);
        if (problem is null)
        {
            Message = T("已撤销，资金已退回您的余额", "Revoked: the money is back in your balance");
        }
        else
        {
            Error = En ? problem.En : problem.Zh;
        }
        return await LoadAsync() ? Page() : NotFoundPage();
    }

    /// <summary>A receipt that is not this holder's (or none at all) is told in words, as a 404, and shows nothing of it.</summary>
    private IActionResult NotFoundPage()
    {
        (Error, Message) = (T("找不到这笔转账，请从账单中查看", "No such transfer: look in your bills"), null);
        Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }

    private async Task<bool> LoadAsync()
    {
        // Same visibility as the Wallet API: the payer always, the payee once it arrived.
        if (await transfers.FindAsync(Id) is not { } row
            || !(row.PayerUserId == UserId || (row.PayeeUserId == UserId && row.Status == WalletTransfers.Succeeded)))
        {
            return false;
        }
        Transfer = TransferDto.Of(row, UserId);
        return true;
    }
}
