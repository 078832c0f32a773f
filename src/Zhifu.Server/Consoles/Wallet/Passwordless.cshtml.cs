using Microsoft.AspNetCore.Mvc;
using Zhifu.Server.Passwordless;

namespace Zhifu.Server.Consoles.Wallet;

/// <summary>
/// 免密支付 (PWL-5, PWL-7): every agreement and every passwordless payment on one page, one click to close one agreement or
/// all of them (effective at once), a complaint on any passwordless payment, and "freeze my wallet" one step away.
/// Through <see cref="PasswordlessQueries"/>, <see cref="PasswordlessAgreements"/> and <see cref="PasswordlessOversight"/>.
/// </summary>
public sealed class PasswordlessModel(PasswordlessQueries queries, PasswordlessAgreements agreements, PasswordlessOversight oversight)
    : WalletPage
{
    public PasswordlessEndpoints.OverviewDto Overview { get; private set; } = new([], []);
    public string? Message { get; private set; }
    public string? Error { get; private set; }

    [BindProperty]
    public string? ContractId { get; set; }

    [BindProperty]
    public string? TransactionId { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    public async Task OnGetAsync() => Overview = await queries.OverviewAsync(UserId, Aborted);

    public async Task<IActionResult> OnPostCancelAsync()
    {
        var closed = ContractId is { Length: > 0 and <= 32 } ? await agreements.CancelAsync(UserId, ContractId, Aborted) : 0;
        if (closed > 0)
        {
            Message = T("已关闭，立即生效", "Closed, effective now");
        }
        else
        {
            Error = T("该协议不存在或已关闭", "No such open agreement");
        }
        return await ReloadAsync();
    }

    public async Task<IActionResult> OnPostCancelAllAsync()
    {
        var closed = await agreements.CancelAsync(UserId, null, Aborted);
        Message = T($"已关闭全部 {closed} 个免密支付协议，立即生效", $"Closed all {closed} passwordless agreements, effective now");
        return await ReloadAsync();
    }

    public async Task<IActionResult> OnPostDisputeAsync()
    {
        var (dispute, error) = TransactionId is { Length: > 0 and <= 32 }
            ? await oversight.DisputeAsync(UserId, TransactionId, Reason, Aborted)
            : (null, PasswordlessErrors.DisputeNotAllowed);
        if (dispute is not null)
        {
            var by = Core.ChinaTime.Format(dispute.DeadlineAt);
            Message = T($"投诉已受理，将在 {by} 前处理", $"Complaint received; it will be handled by {by}");
        }
        else
        {
            Error = Say(error!);
        }
        return await ReloadAsync();
    }

    private async Task<IActionResult> ReloadAsync()
    {
        Overview = await queries.OverviewAsync(UserId, Aborted);
        return Page();
    }
}
