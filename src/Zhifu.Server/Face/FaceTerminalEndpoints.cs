using System.Security.Claims;
using Zhifu.Core;
using Zhifu.Data.Entities;
using Zhifu.Server.Hosting;
using Zhifu.Server.Lifecycle;
using Zhifu.Server.Merchants;

namespace Zhifu.Server.Face;

/// <summary>
/// Face-pay terminals (FACE-5) over the merchant console API (register, list, disable / move / rotate: admin), the Operator API
/// (list: risk, operations, audit; certify / reject: risk, audited) and the terminal API (signed by the terminal's key).
/// </summary>
public static class FaceTerminalEndpoints
{
    public sealed record TerminalDto(string TerminalId, string StoreName, string Model, string CertLab, string CertNumber, string CertExpiresOn,
        string State, string? ReviewedBy, string CreatedAt, string? KeyRotatedAt);

    public sealed record ChangeRequest(bool? Disable, string? StoreName, string? PublicKeyPem, bool? Enable = null);

    public sealed record ReviewRequest(string? Note);

    public static void Map(WebApplication app)
    {
        var merchant = app.MapGroup("/api/merchant/face-terminals").WithTags("Merchant console: face-pay terminals");
        merchant.MapGet("", async (ClaimsPrincipal user, FaceTerminals terminals, HttpContext h) =>
            Results.Ok((await terminals.ListAsync(user.MerchantId(), null, h.RequestAborted)).Select(Dto)))
            .RequireAuthorization(MerchantStaffAuth.AnyStaff);
        merchant.MapPost("", async (TerminalRegistration registration, ClaimsPrincipal user, FaceTerminals terminals, HttpContext h) =>
        {
            var (row, field) = await terminals.RegisterAsync(user.MerchantId(), registration, h.RequestAborted);
            return row is null
                ? ApiProblem.Create(h, 400, "FACE_TERMINAL_INVALID_FIELD", "终端信息不完整或不正确（公钥须为 2048–4096 位的 RSA 公钥，不是私钥；认证须未过期）",
                    "The terminal's details are incomplete or wrong (an RSA key of 2048 bits or more, an unexpired certificate)", field)
                : Results.Created($"/api/merchant/face-terminals/{row.TerminalId}", Dto(row));
        }).RequireAuthorization(MerchantStaffAuth.Admins);
        merchant.MapPatch("/{terminalId}", async (string terminalId, ChangeRequest change, ClaimsPrincipal user, FaceTerminals terminals,
            HttpContext h) =>
        {
            var refusal = change.Enable == true ? await terminals.EnableAsync(user, terminalId, h.RequestAborted)
                : await terminals.ChangeAsync(user, terminalId, change.Disable, change.StoreName, change.PublicKeyPem, h.RequestAborted);
            return refusal switch
            {
                null => Results.NoContent(),
                "not-found" => ApiProblem.Create(h, 404, "FACE_TERMINAL_NOT_FOUND", "终端不存在", "No such terminal"),
                "changed" => ApiProblem.Create(h, 409, "FACE_TERMINAL_CHANGED", "终端刚被他人修改，请刷新后重试",
                    "The terminal was just changed by someone else: reload and try again"),
                "not-disabled" => ApiProblem.Create(h, 409, "FACE_TERMINAL_NOT_DISABLED", "只有已停用的终端可以重新启用",
                    "Only a disabled terminal can be enabled again"),
                _ => ApiProblem.Create(h, 400, "FACE_TERMINAL_INVALID_FIELD", "终端信息不正确", "The terminal's details are wrong", refusal),
            };
        }).RequireAuthorization(MerchantStaffAuth.Admins);

        var ops = app.MapGroup("/api/ops/face-terminals").WithTags("Operator: face-pay terminals");
        ops.MapGet("", async (string? state, FaceTerminals terminals, HttpContext h) =>
            Results.Ok((await terminals.ListAsync(null, state, h.RequestAborted)).Select(t => new { t.MchId, terminal = Dto(t) })))
            .RequireAuthorization(OperatorLifecycleEndpoints.Roles("risk", "operations", "audit"));
        ops.MapPost("/{terminalId}/certify", (string terminalId, ReviewRequest? body, ClaimsPrincipal user, FaceTerminals t, HttpContext h) =>
            ReviewAsync(terminalId, true, body?.Note, user, t, h)).RequireAuthorization(OperatorLifecycleEndpoints.Roles("risk"));
        ops.MapPost("/{terminalId}/reject", (string terminalId, ReviewRequest? body, ClaimsPrincipal user, FaceTerminals t, HttpContext h) =>
            ReviewAsync(terminalId, false, body?.Note, user, t, h)).RequireAuthorization(OperatorLifecycleEndpoints.Roles("risk"));

        // the terminal API: every call signed by the terminal's key
        var terminal = app.MapGroup("/api/face/terminal").WithTags("Face payment: terminals");
        terminal.MapPost("/hello", async (HttpContext h, FaceTerminals terminals) =>
        {
            var (who, _, refusal) = await SignedAsync(h, terminals);
            return refusal ?? Results.Ok(new { who!.TerminalId, who.MchId, who.StoreName });
        });
        terminal.MapPost("/identify", async (HttpContext h, FaceTerminals terminals, FacePayments face) =>
        {
            var (who, body, refusal) = await SignedAsync(h, terminals);
            if (refusal is not null)
            {
                return refusal;
            }
            if (Read<IdentifyRequest>(body) is not { } request)
            {
                return ApiProblem.Create(h, 400, "INVALID_REQUEST", "请求格式不正确", "The request is malformed");
            }
            var (token, refused) = await face.IdentifyAsync(who!, request, h.RequestAborted);
            return refused is { } r ? ApiProblem.Create(h, r.Status, r.Code, r.Zh, r.En) : Results.Ok(new { faceToken = token });
        });
        terminal.MapPost("/pay", async (HttpContext h, FaceTerminals terminals, FacePayments face) =>
        {
            var (who, body, refusal) = await SignedAsync(h, terminals);
            if (refusal is not null)
            {
                return refusal;
            }
            if (Read<FacePayRequest>(body) is not { } request)
            {
                return ApiProblem.Create(h, 400, "INVALID_REQUEST", "请求格式不正确", "The request is malformed");
            }
            var (transaction, refused) = await face.PayAsync(who!, request, h.RequestAborted);
            return refused is { } r ? ApiProblem.Create(h, r.Status, r.Code, r.Zh, r.En) : Results.Text(transaction!.ToJsonString(), "application/json");
        });
    }

    /// <summary>Reads the (bounded: 16 KiB) body and authenticates the terminal that signed it.</summary>
    private static async Task<(FaceTerminalRow? Terminal, byte[] Body, IResult? Refusal)> SignedAsync(HttpContext h, FaceTerminals terminals)
    {
        if (await MerchantApi.V3Protocol.ReadBodyAsync(h.Request, 16_384) is not { } body)
        {
            return (null, [], ApiProblem.Create(h, 413, "REQUEST_TOO_LARGE", "请求过大", "The request is too large"));
        }
        var (terminal, refusal) = await terminals.AuthenticateAsync(h.Request, body, h.RequestAborted);
        if (refusal is null)
        {
            return (terminal, body, null);
        }
        var (status, zh, en) = FaceTerminals.Explain(refusal);
        return (null, body, ApiProblem.Create(h, status, refusal, zh, en));
    }

    private static T? Read<T>(byte[] body) where T : class
    {
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize<T>(body, System.Text.Json.JsonSerializerOptions.Web);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static async Task<IResult> ReviewAsync(string terminalId, bool certify, string? note, ClaimsPrincipal user, FaceTerminals terminals,
        HttpContext h)
    {
        if (await terminals.ReviewAsync(terminalId, certify, note, OperatorActor.Of(user), h.RequestAborted) is not { } refusal)
        {
            return Results.NoContent();
        }
        var (status, zh, en) = FaceTerminals.Explain(refusal);
        return ApiProblem.Create(h, status, refusal, zh, en, refusal == "FACE_TERMINAL_INVALID_NOTE" ? "note" : null);
    }

    private static TerminalDto Dto(FaceTerminalRow t) => new(t.TerminalId, t.StoreName, t.Model, t.CertLab, t.CertNumber,
        t.CertExpiresOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), t.State, t.ReviewedBy,
        ChinaTime.Format(t.CreatedAt), t.KeyRotatedAt is { } k ? ChinaTime.Format(k) : null);
}
