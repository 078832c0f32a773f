using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Zhifu.Core;
using Zhifu.Server.Face;

namespace Zhifu.Server.Consoles.Terminal;

/// <summary>
/// 刷脸终端模拟器 (issue 10): the demo café's certified terminal in a browser, so a newcomer can try a face payment. It does
/// what a real terminal does, over the platform's own HTTP on loopback with the terminal's key: "captures" a demo face
/// (<see cref="SyntheticFaces.Capture"/>, a synthetic template — no camera, no real face), seals it to the face transport key
/// fetched from <c>/api/face/transport-key</c>, sends it signed to <c>/api/face/terminal/identify</c> with its liveness result
/// (and the phone's last four digits when asked), then the passcode the person types to <c>/api/face/terminal/pay</c>. It
/// shows only what a merchant's terminal learns: a face token, then the transaction. Only where the demo terminal was seeded
/// (<c>{data}/demo/face-terminal/</c>).
/// </summary>
public sealed class FaceTerminalModel(FaceDemo demo, IServer server, IConfiguration configuration, IClock clock,
    ILogger<FaceTerminalModel> logger) : PageModel
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = TimeSpan.FromSeconds(15),
    };

    [BindProperty] public int Face { get; set; } = 1;
    [BindProperty] public bool Liveness { get; set; } = true;
    [BindProperty] public string? PhoneLast4 { get; set; }
    [BindProperty] public string? AmountYuan { get; set; } = "12.00";
    [BindProperty] public string? Description { get; set; } = "知付演示咖啡馆-拿铁";
    [BindProperty] public string? FaceToken { get; set; }
    [BindProperty] public string? OutTradeNo { get; set; }
    [BindProperty] public string? Passcode { get; set; }

    public DemoTerminal? Terminal { get; private set; }

    /// <summary>scan → passcode → done.</summary>
    public string Step { get; private set; } = "scan";
    public bool AskDigits { get; private set; }
    public (string Code, string Zh, string En)? Error { get; private set; }
    public string? ErrorField { get; private set; }
    public JsonElement? Transaction { get; private set; }

    public void OnGet()
    {
        ViewData["Console"] = "刷脸终端模拟器";
        // a demo tool that signs with the demo terminal's key: only with the demo world and its terminal on, and only from
        // this machine (like the development SMS inbox) — nobody else may act as a certified terminal
        Terminal = configuration.GetValue("Demo:Seed", true) && configuration.GetValue("Demo:FaceTerminal", true)
            && HttpContext.Connection.RemoteIpAddress is { } from && System.Net.IPAddress.IsLoopback(from) ? demo.Load() : null;
    }

    public async Task<IActionResult> OnPostIdentifyAsync(CancellationToken ct)
    {
        OnGet();
        if (Terminal is null)
        {
            return NotFound();
        }
        if (Face is < 1 or > SyntheticFaces.DemoFaces)
        {
            return Refuse("face", "FACE_INVALID", "请选择 1–9 号演示人脸", "Choose demo face 1–9");
        }
        if (!Money.TryParseYuan(AmountYuan?.Trim(), out var amount) || amount.Fen <= 0 || amount.Fen > 100_000_00)
        {
            return Refuse("amountYuan", "AMOUNT_INVALID", "请输入 0.01–100,000.00 元的金额", "Enter an amount of ¥0.01–¥100,000.00");
        }
        if (Description?.Trim() is not { Length: > 0 and <= 127 })
        {
            return Refuse("description", "DESCRIPTION_INVALID", "请填写 1–127 字的商品描述", "Describe the goods in 1–127 characters");
        }
        // what the terminal does: fetch the platform's face transport key, seal the capture to it
        int status;
        JsonElement answer;
        try
        {
            var transport = await Http.GetFromJsonAsync<JsonElement>(new Uri(BaseAddress(), "/api/face/transport-key"), ct);
            using var rsa = RSA.Create();
            rsa.ImportFromPem(transport.GetProperty("publicKey").GetString());
            var probe = FaceEnvelope.Seal(SyntheticFaces.Capture(Face), transport.GetProperty("keyId").GetString()!, rsa);
            (status, answer) = await SendAsync("/api/face/terminal/identify", new
            {
                probe, livenessPassed = Liveness, phoneLast4 = string.IsNullOrWhiteSpace(PhoneLast4) ? null : PhoneLast4.Trim(),
            }, ct);
        }
        catch (Exception e) when (Unreachable(e))
        {
            return Offline(e);
        }
        if (status == 200)
        {
            (FaceToken, OutTradeNo, Step) = (answer.GetProperty("faceToken").GetString(),
                "SIM" + clock.UtcNow.ToUnixTimeMilliseconds() + RandomNumberGenerator.GetInt32(1000, 9999), "passcode");
            return Page();
        }
        AskDigits = Code(answer) == "FACE_PHONE_DIGITS_REQUIRED" || !string.IsNullOrWhiteSpace(PhoneLast4);
        return Refused(answer, AskDigits ? "phoneLast4" : null);
    }

    public async Task<IActionResult> OnPostPayAsync(CancellationToken ct)
    {
        OnGet();
        if (Terminal is null)
        {
            return NotFound();
        }
        if (!Money.TryParseYuan(AmountYuan?.Trim(), out var amount) || FaceToken is null || OutTradeNo is null)
        {
            return RedirectToPage();
        }
        int status;
        JsonElement answer;
        try
        {
            (status, answer) = await SendAsync("/api/face/terminal/pay", new
            {
                faceToken = FaceToken, passcode = Passcode ?? "", appId = "wxd678efh567hg6787", outTradeNo = OutTradeNo,
                description = Description?.Trim(), amountFen = amount.Fen,
            }, ct);
        }
        catch (Exception e) when (Unreachable(e))
        {
            Step = "passcode"; // the payment may or may not have been made: paying again with the same out_trade_no is idempotent
            return Offline(e);
        }
        Passcode = null;
        if (status == 200)
        {
            (Transaction, Step) = (answer, "done");
            return Page();
        }
        // a wrong passcode keeps the face token (until it expires or the passcode locks); anything else starts again
        Step = Code(answer) == "BAD_FACE_PASSCODE" ? "passcode" : "scan";
        return Refused(answer, Step == "passcode" ? "passcode" : null);
    }

    /// <summary>The platform could not be reached or answered nonsense: a network failure, the 15 s timeout, an odd answer.</summary>
    private static bool Unreachable(Exception e) =>
        e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException or InvalidOperationException;

    private IActionResult Offline(Exception e)
    {
        logger.LogWarning(e, "terminal simulator: the platform could not be reached");
        return Refuse("", "TERMINAL_OFFLINE", "终端暂时无法连接平台，请稍后重试", "The terminal cannot reach the platform now; try again shortly");
    }

    private IActionResult Refuse(string field, string code, string zh, string en)
    {
        (Error, ErrorField) = ((code, zh, en), field);
        return Page();
    }

    private IActionResult Refused(JsonElement answer, string? field) => Refuse(field ?? "", Code(answer) ?? "ERROR",
        Text(answer, "message_zh") ?? "终端请求失败", Text(answer, "message_en") ?? "The terminal's request failed");

    private static string? Code(JsonElement answer) => Text(answer, "code");

    private static string? Text(JsonElement answer, string name) =>
        answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private async Task<(int Status, JsonElement Answer)> SendAsync(string path, object body, CancellationToken ct)
    {
        using var key = RSA.Create();
        key.ImportFromPem(Terminal!.PrivateKeyPem);
        var json = JsonSerializer.Serialize(body, JsonSerializerOptions.Web);
        using var request = FaceTerminalClient.Post(Terminal.TerminalId, key, path, json, clock.UtcNow);
        request.RequestUri = new Uri(BaseAddress(), path);
        using var response = await Http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        try
        {
            return ((int)response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
        }
        catch (JsonException)
        {
            logger.LogWarning("terminal simulator: {Path} answered {Status} without JSON", path, (int)response.StatusCode);
            return ((int)response.StatusCode, default);
        }
    }

    /// <summary>Where this server listens, as loopback (a wildcard host becomes 127.0.0.1).</summary>
    private Uri BaseAddress()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            ?? addresses.FirstOrDefault() ?? Hosting.ServerSettings.DefaultUrl;
        var uri = new UriBuilder(address.Replace("://+", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://*", "://127.0.0.1", StringComparison.Ordinal).Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal));
        return uri.Uri;
    }
}
