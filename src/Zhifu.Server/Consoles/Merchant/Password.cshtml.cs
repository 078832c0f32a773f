using Microsoft.AspNetCore.Authorization;
using Zhifu.Server.Hosting;
using Zhifu.Server.Merchants;

namespace Zhifu.Server.Consoles.Merchant;

/// <summary>Password change of merchant staff (MER-2, MER-5, ACC-7), as the merchant console API changes it.</summary>
[Authorize(Policy = MerchantStaffAuth.SessionOnly)]
public sealed class PasswordModel : Shared.PasswordPage
{
    public override bool MustChange => MerchantStaffAuth.Session(User).MustChangePassword;
    public override string Home => "/merchant";
    public override (string Href, string Zh, string En) Back => ("/merchant/account", "返回账户设置", "Back to the account");

    protected override async Task<Refusal?> ChangeAsync(string currentPassword, string? newPassword) =>
        (await MerchantStaffAuth.ChangePasswordAsync(HttpContext, User, currentPassword, newPassword)).Refusal;
}
