using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Zhifu.Data.Entities;
using Zhifu.Server.Face;
using Zhifu.Tests.Infrastructure;
using static Zhifu.E2E.OpsKit;
using static Zhifu.E2E.WalletKit;

namespace Zhifu.E2E;

/// <summary>
/// 刷脸支付 in the H5 wallet (issue 10: FACE-1, FACE-4, FACE-6): 李四 reaches it from 安全, consents only with the box ticked,
/// enrols demo face 3 through the page's demo device (the Wallet API's enrolment path), sets the terminal passcode with an
/// SMS code (a mismatch and the payment password refused by their fields) and withdraws; after a real face payment at the
/// demo café's certified terminal she claims it was not her and sees the department and the deadline. Every step is read
/// back through the Wallet API.
/// </summary>
public sealed class WalletFaceTests(Browser browser) : IClassFixture<Browser>
{
    private const string Passcode = "135790";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Li_si_consents_only_when_ticked_enrols_demo_face_3_sets_the_passcode_and_withdraws()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        using var api = await WalletAsync(server, LiSi);
        var page = await SignedInAsync(browser, server, LiSi);
        var asked = AcceptDialogs(page);
        await page.GotoAsync("/wallet/security");
        await page.ClickAsync("#face-link");
        await page.WaitForSelectorAsync("#consent-text");
        Assert.Equal("none", await page.GetAttributeAsync("#state", "data-state"));
        Assert.Contains("未开通", await page.InnerTextAsync("#state"), StringComparison.Ordinal);
        var consent = await page.InnerTextAsync("#consent-text");
        foreach (var said in new[] { "采集什么", "用途", "保存", "撤回", "ZF-FACE-2026-01" })
        {
            Assert.Contains(said, consent, StringComparison.Ordinal);
        }
        Assert.False(await page.IsCheckedAsync("#accept")); // never pre-ticked
        await AssertFitsAsync(page);
        await Browser.ShotAsync(page, "wallet-60-face-consent");

        await page.FillAsync("#payment-password", PaymentPassword);
        await page.ClickAsync("#consent");
        await page.WaitForSelectorAsync("#accept-error >> text=请勾选同意刷脸支付授权");
        Assert.Equal("none", (await FaceAsync(api)).GetProperty("state").GetString()); // nothing recorded
        await Browser.ShotAsync(page, "wallet-61-face-consent-unticked");

        await page.CheckAsync("#accept");
        await page.FillAsync("#payment-password", PaymentPassword);
        await page.ClickAsync("#consent");
        await page.WaitForSelectorAsync("#enrol-form");
        Assert.Equal("consented", await page.GetAttributeAsync("#state", "data-state"));
        Assert.Contains("仅供体验平台", await page.InnerTextAsync("#demo-note"), StringComparison.Ordinal);
        Assert.Equal(9, await page.Locator("#demo-faces input[type=radio]").CountAsync());
        Assert.Equal("consented", (await FaceAsync(api)).GetProperty("state").GetString());
        await AssertFitsAsync(page);
        await Browser.ShotAsync(page, "wallet-62-face-enrol-demo-device");

        await page.ClickAsync("#enrol"); // no face chosen
        await page.WaitForSelectorAsync("#demo-face-error");
        await page.CheckAsync("#demo-face-3");
        await page.ClickAsync("#enrol");
        await page.WaitForSelectorAsync("#message >> text=刷脸支付已开通");
        Assert.Equal("已开通", await page.InnerTextAsync("#state"));
        var status = await FaceAsync(api);
        Assert.Equal("enrolled", status.GetProperty("state").GetString());
        Assert.Equal(status.GetProperty("enrolledAt").GetString(), await page.InnerTextAsync("#enrolled-at")); // China time, as the API says
        Assert.False(status.GetProperty("passcodeSet").GetBoolean());
        await using (var db = server.Database.Options.CreateContext())
        {
            var enrolment = await db.Set<FaceEnrolmentRow>().SingleAsync(Ct);
            Assert.Equal("wallet-demo-device", enrolment.EnrolledVia);
        }
        await page.WaitForSelectorAsync("#passcode-missing");
        await Browser.ShotAsync(page, "wallet-63-face-enrolled");

        await page.ClickAsync("#passcode-link");
        await page.WaitForSelectorAsync("#passcode-form");
        Assert.Contains("不是支付密码", await page.InnerTextAsync("#about"), StringComparison.Ordinal);
        await page.ClickAsync("#send-code");
        await page.WaitForSelectorAsync("#message >> text=验证码已发送到您的手机");
        await page.FillAsync("#code", await LatestCodeAsync(server, LiSi));
        await FillPasscodeAsync(page, Passcode, "135791");
        await page.WaitForSelectorAsync("#passcode-again-error >> text=两次输入的支付口令不一致");
        await Browser.ShotAsync(page, "wallet-64-face-passcode-mismatch");
        await FillPasscodeAsync(page, PaymentPassword, PaymentPassword); // the payment password itself
        await page.WaitForSelectorAsync("#passcode-error >> text=支付口令不能与支付密码相同");
        Assert.False((await FaceAsync(api)).GetProperty("passcodeSet").GetBoolean());

        await FillPasscodeAsync(page, Passcode, Passcode); // the SMS code is still good: neither refusal spent it
        await page.WaitForSelectorAsync("#message >> text=支付口令已设置");
        Assert.True((await FaceAsync(api)).GetProperty("passcodeSet").GetBoolean());
        await AssertFitsAsync(page);
        await Browser.ShotAsync(page, "wallet-65-face-passcode-set");

        await page.ClickAsync("#back-to-face");
        await page.WaitForSelectorAsync("#withdraw");
        Assert.Equal(0, await page.Locator("#passcode-missing").CountAsync());
        await page.ClickAsync("#withdraw");
        await page.WaitForSelectorAsync("#message >> text=已撤回授权");
        Assert.Contains("人脸特征会立即删除", asked(), StringComparison.Ordinal);
        Assert.Equal("已撤回", await page.InnerTextAsync("#state"));
        await page.WaitForSelectorAsync("#withdrawn-at");
        status = await FaceAsync(api);
        Assert.Equal("withdrawn", status.GetProperty("state").GetString());
        Assert.Equal(status.GetProperty("withdrawnAt").GetString(), await page.InnerTextAsync("#withdrawn-at"));
        Assert.Equal(0, await page.Locator("#withdraw").CountAsync());
        Assert.False(await page.IsCheckedAsync("#accept")); // to use it again: consent anew
        await AssertFitsAsync(page);
        await Browser.ShotAsync(page, "wallet-66-face-withdrawn");

        await page.GotoAsync("/wallet/font?to=large&back=%2Fwallet%2Fface");
        await page.GotoAsync("/lang?to=en&back=%2Fwallet%2Fface");
        Assert.Equal("Withdrawn", await page.InnerTextAsync("#state"));
        Assert.Contains("Chinese text below", await page.InnerTextAsync("#consent-text"), StringComparison.Ordinal);
        await AssertFitsAsync(page);
        await Browser.ShotAsync(page, "wallet-66b-face-withdrawn-large-en");
    }

    [Fact]
    public async Task Without_the_demo_device_the_page_sends_enrolment_to_a_certified_device_and_a_forged_post_enrols_nothing()
    {
        await using var server = await ZhifuTestServer.StartAsync(null, "--Face:DemoDevice=false");
        var page = await SignedInAsync(browser, server, LiSi);
        await page.GotoAsync("/wallet/face");
        await page.CheckAsync("#accept");
        await page.FillAsync("#payment-password", PaymentPassword);
        await page.ClickAsync("#consent");
        await page.WaitForSelectorAsync("#enrol-elsewhere");
        Assert.Equal(0, await page.Locator("#enrol").CountAsync());
        // the handler refuses too: a hand-made POST with the page's own anti-forgery token enrols nothing
        var token = await page.Locator("input[name=__RequestVerificationToken]").First.GetAttributeAsync("value");
        Assert.False(string.IsNullOrEmpty(token));
        var answered = await page.EvaluateAsync<int>(@"async t => { const f = new FormData(); f.append('demoFace', '3');
            f.append('__RequestVerificationToken', t); return (await fetch('/wallet/face?handler=Enrol', { method: 'POST', body: f })).status; }", token);
        Assert.Equal(200, answered); // the page answered (the anti-forgery check passed) and enrolled nobody
        using var wallet = await WalletAsync(server, LiSi);
        var status = await wallet.GetFromJsonAsync<JsonElement>("/api/wallet/face", Ct);
        Assert.Equal("consented", status.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Li_si_claims_a_face_payment_was_not_her_and_sees_the_department_and_deadline()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        string transactionId;
        using (var key = System.Security.Cryptography.RSA.Create(2048))
        {
            var terminalId = await FaceKit.CertifiedTerminalAsync(server, key);
            await FaceKit.EnrolAsync(server, LiSi, SyntheticFaces.Demo(3), Passcode);
            transactionId = await FaceKit.PayAsync(server, terminalId, key, SyntheticFaces.Capture(3), "E2E-FACE-0001", 1_250, Passcode);
        }
        using var api = await WalletAsync(server, LiSi);

        var page = await SignedInAsync(browser, server, LiSi);
        var asked = AcceptDialogs(page);
        await page.GotoAsync("/wallet/face");
        await page.ClickAsync("#claims-link");
        await page.WaitForSelectorAsync("#no-claims");
        var payment = await page.InnerTextAsync($"label[for=pay-{transactionId}]");
        foreach (var shown in new[] { "知付演示咖啡馆", "¥12.50", "知付演示咖啡馆-刷脸" })
        {
            Assert.Contains(shown, payment, StringComparison.Ordinal);
        }
        Assert.Matches(@"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", payment); // paid, Asia/Shanghai
        Assert.False(await page.IsCheckedAsync("#withdraw-face"));
        await AssertFitsAsync(page);
        await Browser.ShotAsync(page, "wallet-67-face-claim-form");

        await page.CheckAsync($"#pay-{transactionId}");
        await page.CheckAsync("#kind-stolen");
        await page.FillAsync("#description", "我");
        await page.ClickAsync("#send-claim");
        await page.WaitForSelectorAsync("#description-error >> text=请用 2–200 个字说明情况");
        Assert.True(await page.IsCheckedAsync($"#pay-{transactionId}")); // what was chosen stays
        Assert.Equal(0, (await ClaimsAsync(api)).GetProperty("claims").GetArrayLength());
        await Browser.ShotAsync(page, "wallet-68-face-claim-too-short");

        await page.FillAsync("#description", "我从没去过这家店，这笔不是我本人刷脸付的");
        await page.CheckAsync("#withdraw-face");
        await page.ClickAsync("#send-claim");
        await page.WaitForSelectorAsync("#opened");
        Assert.Contains("每笔付款只能申诉一次", asked(), StringComparison.Ordinal);
        Assert.Equal("风险管理部（刷脸支付申诉组）", await page.InnerTextAsync("#opened-department"));
        var deadline = await page.InnerTextAsync("#opened-deadline");
        var claims = await ClaimsAsync(api);
        var claim = Assert.Single(claims.GetProperty("claims").EnumerateArray());
        Assert.Equal((transactionId, "open", "stolen", 1_250L, "风险管理部（刷脸支付申诉组）", deadline),
            (claim.GetProperty("transactionId").GetString(), claim.GetProperty("state").GetString(), claim.GetProperty("kind").GetString(),
                claim.GetProperty("amountFen").GetInt64(), claim.GetProperty("department").GetString(), claim.GetProperty("deadline").GetString()));
        Assert.Equal(0, claims.GetProperty("claimable").GetArrayLength()); // once each
        var listed = await page.InnerTextAsync($"#claim-{transactionId}");
        foreach (var shown in new[] { "知付演示咖啡馆", "¥12.50", "处理中", "非本人刷脸", "风险管理部（刷脸支付申诉组）", deadline })
        {
            Assert.Contains(shown, listed, StringComparison.Ordinal);
        }
        Assert.Contains("刷脸授权已撤回", await page.InnerTextAsync("#message"), StringComparison.Ordinal);
        Assert.Equal("withdrawn", (await FaceAsync(api)).GetProperty("state").GetString());
        await page.WaitForSelectorAsync("#nothing-claimable");
        await AssertFitsAsync(page);
        await Browser.ShotAsync(page, "wallet-69-face-claim-opened");
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    private static async Task FillPasscodeAsync(IPage page, string passcode, string again)
    {
        await page.FillAsync("#payment-password", PaymentPassword);
        await page.FillAsync("#passcode", passcode);
        await page.FillAsync("#passcode-again", again);
        await page.ClickAsync("#save");
    }

    private static Task<JsonElement> FaceAsync(HttpClient wallet) => wallet.GetFromJsonAsync<JsonElement>("/api/wallet/face", Ct);

    private static Task<JsonElement> ClaimsAsync(HttpClient wallet) => wallet.GetFromJsonAsync<JsonElement>("/api/wallet/face/claims", Ct);
}
