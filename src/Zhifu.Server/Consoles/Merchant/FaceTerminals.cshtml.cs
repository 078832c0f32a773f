using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Zhifu.Data.Entities;
using Zhifu.Server.Face;
using Zhifu.Server.Hosting;
using Zhifu.Server.Merchants;

namespace Zhifu.Server.Consoles.Merchant;

/// <summary>
/// 刷脸终端 (FACE-5, MER-6): the merchant's face-pay terminals for every staff role, as <c>GET /api/merchant/face-terminals</c>
/// lists them; the admin registers one (its own RSA key and its model's certification) and disables, moves or re-keys one,
/// through the same <see cref="FaceTerminals"/> calls and the same admin policy as the console API. Any other role's POST is
/// refused before a handler runs.
/// </summary>
[Authorize(Policy = MerchantStaffAuth.AnyStaff)]
public sealed class FaceTerminalsModel(FaceTerminals terminals, IAuthorizationService authorization) : PageModel
{
    public const string InvalidField = "FACE_TERMINAL_INVALID_FIELD";

    [BindProperty]
    public string? StoreName { get; set; }

    /// <summary>The terminal's model (型号); <c>model</c> in the form, as in the API.</summary>
    [BindProperty(Name = "model")]
    public string? DeviceModel { get; set; }

    [BindProperty]
    public string? PublicKeyPem { get; set; }

    [BindProperty]
    public string? CertLab { get; set; }

    [BindProperty]
    public string? CertNumber { get; set; }

    [BindProperty]
    public DateOnly? CertExpiresOn { get; set; }

    /// <summary>Whether this session may register and change terminals (the API's admin policy).</summary>
    public bool CanManage { get; private set; }

    public IReadOnlyList<FaceTerminalRow> Rows { get; private set; } = [];
    public string? Message { get; private set; }

    /// <summary>Why the registration was refused; shown beside its field.</summary>
    public Refusal? RegisterRefusal { get; private set; }

    /// <summary>Why a change was refused, and the terminal it was about.</summary>
    public Refusal? ChangeRefusal { get; private set; }
    public string? ChangeFor { get; private set; }

    private bool English => ConsoleText.IsEnglish(HttpContext);

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        CanManage = (await authorization.AuthorizeAsync(User, MerchantStaffAuth.Admins)).Succeeded;
        if (!CanManage && !HttpMethods.IsGet(Request.Method) && !HttpMethods.IsHead(Request.Method))
        {
            context.Result = Forbid(MerchantStaffAuth.Scheme);
            return;
        }
        await next();
    }

    public async Task OnGetAsync() => await LoadAsync();

    public async Task OnPostRegisterAsync()
    {
        var registration = new TerminalRegistration(StoreName, DeviceModel, PublicKeyPem, CertLab, CertNumber, CertExpiresOn);
        var (row, field) = await terminals.RegisterAsync(User.MerchantId(), registration, HttpContext.RequestAborted);
        if (row is null)
        {
            RegisterRefusal = Invalid(field!);
        }
        else
        {
            (StoreName, DeviceModel, PublicKeyPem, CertLab, CertNumber, CertExpiresOn) = (null, null, null, null, null, null);
            Message = English ? $"{row.TerminalId} is registered and awaits the platform's certification"
                : $"已登记终端 {row.TerminalId}，等待平台安全认证";
        }
        await LoadAsync();
    }

    public Task OnPostDisableAsync(string terminalId) => ChangeAsync(terminalId, true, null, null,
        English ? $"{terminalId} is disabled" : $"已停用终端 {terminalId}");

    public Task OnPostEnableAsync(string terminalId) => ApplyAsync(terminalId,
        terminals.EnableAsync(User, terminalId ?? "", HttpContext.RequestAborted),
        English ? $"{terminalId} is enabled again and awaits the platform's certification" : $"已重新启用终端 {terminalId}，等待平台重新安全认证");

    // an empty field is sent as "" (not null, which the service reads as "leave it"), so it is refused beside the field
    public Task OnPostMoveAsync(string terminalId, string? newStoreName) => ChangeAsync(terminalId, null, newStoreName ?? "", null,
        English ? $"{terminalId} is moved to {newStoreName?.Trim()}" : $"已将终端 {terminalId} 迁移到 {newStoreName?.Trim()}");

    public Task OnPostRotateAsync(string terminalId, string? newPublicKeyPem) => ChangeAsync(terminalId, null, null, newPublicKeyPem ?? "",
        English ? $"{terminalId} has a new key: the old one no longer signs, and the terminal awaits the platform's certification again"
            : $"已更换终端 {terminalId} 的公钥，旧密钥立即失效；终端须重新通过平台安全认证");

    /// <summary>The refusal for the field <see cref="FaceTerminals"/> names (or "not-found"), by the field it concerns.</summary>
    public static Refusal Invalid(string field) => field switch
    {
        "not-found" => new(404, "FACE_TERMINAL_NOT_FOUND", "终端不存在", "No such terminal"),
        "changed" => new(409, "FACE_TERMINAL_CHANGED", "终端刚被他人修改，请刷新后重试", "The terminal was just changed by someone else: reload and try again"),
        "not-disabled" => new(409, "FACE_TERMINAL_NOT_DISABLED", "只有已停用的终端可以重新启用", "Only a disabled terminal can be enabled again"),
        "storeName" => new(400, InvalidField, "门店名称须为 1–64 个字", "The store name must be 1–64 characters", field),
        "model" => new(400, InvalidField, "终端型号须为 1–64 个字", "The model must be 1–64 characters", field),
        "publicKeyPem" => new(400, InvalidField, "公钥须为 PEM 格式、2048–4096 位的 RSA 公钥（不是私钥）",
            "The key must be an RSA public key of 2048–4096 bits, in PEM (not the private key)", field),
        "certLab" => new(400, InvalidField, "认证机构须为 1–64 个字", "The certification lab must be 1–64 characters", field),
        "certNumber" => new(400, InvalidField, "认证证书编号须为 1–64 个字", "The certificate number must be 1–64 characters", field),
        _ => new(400, InvalidField, "认证有效期须晚于今天（北京时间）", "The certification must expire after today (China time)", field),
    };

    private Task ChangeAsync(string terminalId, bool? disable, string? storeName, string? publicKeyPem, string done) =>
        ApplyAsync(terminalId, terminals.ChangeAsync(User, terminalId ?? "", disable, storeName, publicKeyPem, HttpContext.RequestAborted),
            done);

    /// <summary>Shows what a change of <paramref name="terminalId"/> came to: <paramref name="done"/>, or the refusal beside it.</summary>
    private async Task ApplyAsync(string terminalId, Task<string?> change, string done)
    {
        var refusal = await change;
        if (refusal is null)
        {
            Message = done;
        }
        else
        {
            (ChangeRefusal, ChangeFor) = (Invalid(refusal), terminalId);
        }
        await LoadAsync();
    }

    private async Task LoadAsync() => Rows = await terminals.ListAsync(User.MerchantId(), null, HttpContext.RequestAborted);
}
