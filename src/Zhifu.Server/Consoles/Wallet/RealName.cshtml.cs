using Microsoft.AspNetCore.Mvc;
using Zhifu.Server.RealName;

namespace Zhifu.Server.Consoles.Wallet;

/// <summary>实名认证 (ACC-2): the holder's class, masked identity (ACC-8) and limits; name and ID number checked by the sources.</summary>
public sealed class RealNameModel(RealNameVerification verification, RealNameStatus status) : WalletPage
{
    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? IdNumber { get; set; }

    public RealNameDto Status { get; private set; } = null!;
    public string? Error { get; private set; }
    public string? Message { get; private set; }

    public async Task OnGetAsync() => Status = await status.ForAsync(UserId, Aborted);

    public async Task OnPostAsync()
    {
        var error = await verification.SubmitAsync(UserId, Name?.Trim(), IdNumber?.Trim().ToUpperInvariant(), Aborted);
        Status = await status.ForAsync(UserId, Aborted);
        if (error is null)
        {
            Message = Status.Verified ? T($"认证完成：{Status.ClassName}", $"Verified: class {Status.AccountClass}") : T("已提交", "Submitted");
            (Name, IdNumber) = (null, null);
        }
        else
        {
            Error = Say(error);
            IdNumber = null; // never written back into the page (ACC-8: shown masked only); the name stays for a correction
        }
    }
}
