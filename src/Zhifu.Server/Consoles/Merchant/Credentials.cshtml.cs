using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Zhifu.Server.Merchants;
using static Zhifu.Server.Merchants.MerchantCredentialEndpoints;

namespace Zhifu.Server.Consoles.Merchant;

/// <summary>
/// API 证书与通知地址 (MER-6), admin only: API key serials (add a public key, revoke an old one), the APIv3 key reset (the new
/// key is shown on this one answer and never again), the notify URL, and the platform public keys; through the same
/// <see cref="MerchantCredentialSettings"/> as the console API. No secret is ever shown twice.
/// </summary>
[Authorize(Policy = MerchantStaffAuth.Admins)]
public sealed class CredentialsModel(MerchantCredentialSettings settings) : PageModel
{
    [BindProperty]
    public string? Serial { get; set; }

    [BindProperty]
    public string? PublicKeyPem { get; set; }

    [BindProperty]
    public string? NotifyUrl { get; set; }

    public CredentialsDto? View { get; private set; }
    public string? NewApiV3Key { get; private set; }
    public string? Message { get; private set; }
    public string? Error { get; private set; }
    public string? SerialError { get; private set; }
    public string? PublicKeyError { get; private set; }
    public string? NotifyUrlError { get; private set; }

    private bool English => ConsoleText.IsEnglish(HttpContext);

    public async Task OnGetAsync() => await LoadAsync(keepNotifyUrl: false);

    public async Task OnPostAddKeyAsync()
    {
        var refusal = await settings.AddKeyAsync(User, Serial?.Trim(), PublicKeyPem?.Trim(), HttpContext.RequestAborted);
        switch (refusal?.Field)
        {
            case null when refusal is null:
                (Serial, PublicKeyPem, Message) = (null, null, English ? "The API key is added" : "已添加 API 证书");
                break;
            case "serial":
                SerialError = refusal.Text(English);
                break;
            case "publicKeyPem":
                PublicKeyError = refusal.Text(English);
                break;
            default:
                Error = refusal!.Text(English);
                break;
        }
        await LoadAsync(keepNotifyUrl: false);
    }

    public async Task OnPostRevokeAsync(string serial)
    {
        var refusal = await settings.RevokeKeyAsync(User, serial ?? "", HttpContext.RequestAborted);
        if (refusal is null)
        {
            Message = English ? $"Revoked {serial}" : $"已作废证书 {serial}";
        }
        else
        {
            Error = refusal.Text(English);
        }
        await LoadAsync(keepNotifyUrl: false);
    }

    public async Task OnPostResetApiV3KeyAsync()
    {
        NewApiV3Key = await settings.ResetApiV3KeyAsync(User, HttpContext.RequestAborted);
        Message = English ? "A new APIv3 key is set: copy it now, it is not shown again" : "已重置 APIv3 密钥：请立即复制保存，此后不再显示";
        await LoadAsync(keepNotifyUrl: false);
    }

    public async Task OnPostNotifyUrlAsync()
    {
        var url = string.IsNullOrWhiteSpace(NotifyUrl) ? null : NotifyUrl.Trim();
        var refusal = await settings.SetNotifyUrlAsync(User, url, HttpContext.RequestAborted);
        if (refusal is null)
        {
            Message = English ? "The notify URL is saved" : "已保存通知地址";
        }
        else
        {
            NotifyUrlError = refusal.Text(English);
        }
        await LoadAsync(keepNotifyUrl: refusal is not null);
    }

    private async Task LoadAsync(bool keepNotifyUrl)
    {
        View = await settings.ViewAsync(User.MerchantId(), HttpContext.RequestAborted);
        if (!keepNotifyUrl)
        {
            NotifyUrl = View.NotifyUrl;
        }
    }
}
