using Microsoft.AspNetCore.Authorization;
using Zhifu.Server.Hosting;
using Zhifu.Server.Security;

namespace Zhifu.Server.Consoles.Ops;

/// <summary>An operator's password change (SEC-1, ACC-7), as the Operator API changes it: first of all the initial one.</summary>
[Authorize(Policy = OperatorAuth.PasswordChange)]
public sealed class PasswordModel : Shared.PasswordPage
{
    public override bool MustChange => OperatorAuth.Session(User).MustChangePassword;
    public override string Home => "/ops";
    public override (string Href, string Zh, string En) Back => ("/ops", "返回概览", "Back to the dashboard");

    protected override async Task<Refusal?> ChangeAsync(string currentPassword, string? newPassword) =>
        (await OperatorAuth.ChangePasswordAsync(HttpContext, User, currentPassword, newPassword)).Refusal;
}
