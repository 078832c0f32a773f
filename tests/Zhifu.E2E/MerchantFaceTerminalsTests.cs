using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Playwright;
using Zhifu.Tests.Infrastructure;
using static Zhifu.E2E.MerchantKit;

namespace Zhifu.E2E;

/// <summary>
/// The merchant console's face-pay terminals page (issue 10, FACE-5, MER-6): the café's admin registers a terminal with its own
/// RSA key and its model's certification (a bad key or a past expiry is refused beside its field and adds nothing), sees it
/// certified once risk has certified it, moves it to another store, gives it a new key and disables it; a cashier sees the
/// list but no form, and a POST made by hand is refused. Every step is read back through the console API.
/// </summary>
public sealed class MerchantFaceTerminalsTests(Browser browser) : IClassFixture<Browser>
{
    private const string Page = "/merchant/face-terminals";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string FutureExpiry => DateTime.UtcNow.AddYears(2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Fact]
    public async Task The_admin_registers_a_terminal_which_risk_certifies_then_moves_it_gives_it_a_new_key_and_disables_it()
    {
        await using var server = await StartAsync();
        using var api = await StaffApiAsync(server, "cafe-admin");
        var admin = await browser.PageAsync(server.BaseAddress);
        var asked = AcceptDialogs(admin);
        await SignedInAsync(admin, "cafe-admin");
        await admin.ClickAsync("#nav-face-terminals");
        await admin.WaitForSelectorAsync("#register");
        Assert.Equal(1, await admin.Locator("#no-terminals").CountAsync());

        // a key that is no RSA key, then a certification that has already expired: refused by the field, nothing added
        await admin.FillAsync("#storeName", "知付演示咖啡馆·望京店");
        await admin.FillAsync("#model", "ZF-FACE-200");
        await admin.FillAsync("#publicKeyPem", "-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----");
        await admin.FillAsync("#certLab", "银行卡检测中心");
        await admin.FillAsync("#certNumber", "BCTC-FACE-2026-0042");
        await admin.FillAsync("#certExpiresOn", FutureExpiry);
        await admin.ClickAsync("#register button[type=submit]");
        await admin.WaitForSelectorAsync("#publicKeyPem-error");
        Assert.Contains("2048", await admin.InnerTextAsync("#publicKeyPem-error"), StringComparison.Ordinal);
        Assert.Equal("FACE_TERMINAL_INVALID_FIELD", await admin.GetAttributeAsync("#publicKeyPem-error", "data-code"));
        Assert.Equal("知付演示咖啡馆·望京店", await admin.InputValueAsync("#storeName")); // what was typed stays
        await Browser.ShotAsync(admin, "merchant-50-face-terminal-bad-key");

        using var key = RSA.Create(2048);
        await admin.FillAsync("#publicKeyPem", key.ExportSubjectPublicKeyInfoPem());
        await admin.FillAsync("#certExpiresOn", "2020-01-01");
        await admin.ClickAsync("#register button[type=submit]");
        await admin.WaitForSelectorAsync("#certExpiresOn-error");
        Assert.Equal(0, await admin.Locator("#publicKeyPem-error").CountAsync());
        Assert.Empty(await TerminalsAsync(api));

        await admin.FillAsync("#certExpiresOn", FutureExpiry);
        await admin.ClickAsync("#register button[type=submit]");
        await admin.WaitForSelectorAsync("#message");
        var row = admin.Locator("#terminals tbody tr");
        Assert.Equal(1, await row.CountAsync());
        var terminalId = (await row.GetAttributeAsync("data-terminal"))!;
        Assert.StartsWith("FT", terminalId, StringComparison.Ordinal);
        Assert.Contains(terminalId, await admin.InnerTextAsync("#message"), StringComparison.Ordinal);
        var text = await row.InnerTextAsync();
        Assert.Contains("待认证", text, StringComparison.Ordinal);
        Assert.Contains($"银行卡检测中心 / BCTC-FACE-2026-0042 / {FutureExpiry}", text, StringComparison.Ordinal);
        Assert.Equal("", await admin.InputValueAsync("#storeName")); // the form is empty for the next one
        var registered = Assert.Single(await TerminalsAsync(api));
        Assert.Equal((terminalId, "pending", "知付演示咖啡馆·望京店", "ZF-FACE-200"), (Str(registered, "terminalId"), Str(registered, "state"),
            Str(registered, "storeName"), Str(registered, "model")));
        Assert.Contains(Str(registered, "createdAt")!, text, StringComparison.Ordinal); // China time, as the API says it
        await Browser.ShotAsync(admin, "merchant-51-face-terminal-pending");

        using (var risk = await OpsKit.OperatorAsync(server, "risk"))
        {
            var certified = await risk.PostAsJsonAsync($"/api/ops/face-terminals/{terminalId}/certify", new { note = "型号认证有效" }, Ct);
            Assert.True(certified.IsSuccessStatusCode, await certified.Content.ReadAsStringAsync(Ct));
        }
        await admin.GotoAsync(Page);
        Assert.Contains("已认证", await admin.InnerTextAsync($"tr[data-terminal={terminalId}] .state"), StringComparison.Ordinal);
        Assert.Contains("risk", await admin.InnerTextAsync($"tr[data-terminal={terminalId}] .state"), StringComparison.Ordinal);

        // another store: an empty name is refused by the field and changes nothing; a real one moves it
        await row.Locator("form.move button").ClickAsync();
        await admin.WaitForSelectorAsync($"tr[data-terminal={terminalId}] .field-error");
        Assert.Equal("FACE_TERMINAL_INVALID_FIELD", await row.Locator(".field-error").GetAttributeAsync("data-code"));
        Assert.Equal("知付演示咖啡馆·望京店", Str(Assert.Single(await TerminalsAsync(api)), "storeName"));
        await row.Locator("input[name=newStoreName]").FillAsync("知付演示咖啡馆·国贸店");
        await row.Locator("form.move button").ClickAsync();
        await admin.WaitForSelectorAsync($"tr[data-terminal={terminalId}] .store >> text=知付演示咖啡馆·国贸店");
        Assert.Equal("知付演示咖啡馆·国贸店", Str(Assert.Single(await TerminalsAsync(api)), "storeName"));

        // a new key: asked first; the terminal waits for risk to certify it again (the certification vouches for the key's device)
        using var newKey = RSA.Create(2048);
        await row.Locator("details.rotate summary").ClickAsync();
        await row.Locator("textarea[name=newPublicKeyPem]").FillAsync(newKey.ExportSubjectPublicKeyInfoPem());
        await row.Locator("details.rotate button").ClickAsync();
        await admin.WaitForSelectorAsync($"tr[data-terminal={terminalId}] .key >> text=更换于");
        Assert.Contains(terminalId, asked(), StringComparison.Ordinal);
        var rotated = Assert.Single(await TerminalsAsync(api));
        Assert.Contains(Str(rotated, "keyRotatedAt")!, await row.Locator(".key").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("pending", Str(rotated, "state"));
        Assert.Contains("重新通过平台安全认证", asked(), StringComparison.Ordinal);

        await row.Locator("form.disable button").ClickAsync();
        await admin.WaitForSelectorAsync($"tr[data-terminal={terminalId}] .state >> text=已停用");
        Assert.Contains("停用", asked(), StringComparison.Ordinal);
        Assert.Equal("disabled", Str(Assert.Single(await TerminalsAsync(api)), "state"));
        Assert.Equal(1, await row.Locator("form").CountAsync()); // a disabled terminal can only be enabled again
        await Browser.ShotAsync(admin, "merchant-52-face-terminal-disabled");

        // enabled again (FACE-5): asked first; it waits for the platform's certification again
        await row.Locator("form.enable button").ClickAsync();
        await admin.WaitForSelectorAsync($"tr[data-terminal={terminalId}] .state >> text=待认证");
        Assert.Contains("重新启用", asked(), StringComparison.Ordinal);
        Assert.Equal("pending", Str(Assert.Single(await TerminalsAsync(api)), "state"));
    }

    [Fact]
    public async Task A_cashier_sees_the_terminals_but_no_form_and_a_hand_made_post_is_refused()
    {
        await using var server = await StartAsync();
        using var adminApi = await StaffApiAsync(server, "cafe-admin");
        using var key = RSA.Create(2048);
        var created = await adminApi.PostAsJsonAsync("/api/merchant/face-terminals", new
        {
            storeName = "知付演示咖啡馆·望京店", model = "ZF-FACE-200", publicKeyPem = key.ExportSubjectPublicKeyInfoPem(),
            certLab = "银行卡检测中心", certNumber = "BCTC-FACE-2026-0042", certExpiresOn = FutureExpiry,
        }, Ct);
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync(Ct));
        var terminalId = Str(await created.Content.ReadFromJsonAsync<JsonElement>(Ct), "terminalId")!;

        var cashier = await browser.PageAsync(server.BaseAddress);
        await SignedInAsync(cashier, "cafe-cashier");
        await cashier.ClickAsync("#nav-face-terminals");
        await cashier.WaitForSelectorAsync($"tr[data-terminal={terminalId}]");
        Assert.Contains("待认证", await cashier.InnerTextAsync($"tr[data-terminal={terminalId}] .state"), StringComparison.Ordinal);
        Assert.Equal(0, await cashier.Locator("main form, #register").CountAsync());
        await Browser.ShotAsync(cashier, "merchant-53-face-terminals-cashier");

        // the same POSTs the admin's forms make, with the cashier's own valid anti-forgery token: refused, nothing changes
        var token = await cashier.Locator("input[name=__RequestVerificationToken]").First.InputValueAsync();
        foreach (var (handler, fields) in new (string, Dictionary<string, string>)[]
        {
            ("Register", new()
            {
                ["storeName"] = "伪造门店", ["model"] = "X", ["publicKeyPem"] = key.ExportSubjectPublicKeyInfoPem(), ["certLab"] = "X",
                ["certNumber"] = "X", ["certExpiresOn"] = FutureExpiry,
            }),
            ("Disable", new() { ["terminalId"] = terminalId }),
            ("Move", new() { ["terminalId"] = terminalId, ["newStoreName"] = "伪造门店" }),
        })
        {
            var form = cashier.APIRequest.CreateFormData();
            form.Set("__RequestVerificationToken", token);
            foreach (var (name, value) in fields)
            {
                form.Set(name, value);
            }
            var refused = await cashier.APIRequest.PostAsync($"{Page}?handler={handler}", new APIRequestContextOptions { Form = form });
            Assert.Equal(403, refused.Status);
            Assert.Contains("/merchant/denied", refused.Url, StringComparison.Ordinal);
        }
        var after = Assert.Single(await TerminalsAsync(adminApi));
        Assert.Equal(("pending", "知付演示咖啡馆·望京店"), (Str(after, "state"), Str(after, "storeName")));
        using var cashierApi = await StaffApiAsync(server, "cafe-cashier"); // the console API lets the cashier read, not write
        Assert.Single(await TerminalsAsync(cashierApi));
        var patched = await cashierApi.PatchAsJsonAsync($"/api/merchant/face-terminals/{terminalId}", new { disable = true }, Ct);
        Assert.Equal(403, (int)patched.StatusCode);
    }

    private static async Task<JsonElement[]> TerminalsAsync(HttpClient staff) =>
        [.. (await staff.GetFromJsonAsync<JsonElement>("/api/merchant/face-terminals", Ct)).EnumerateArray()];

    private static string? Str(JsonElement terminal, string name) => terminal.GetProperty(name).GetString();
}
