using Zhifu.Server.Face;
using Zhifu.Tests.Infrastructure;
using static Zhifu.E2E.OpsKit;

namespace Zhifu.E2E;

/// <summary>
/// The terminal simulator page (issue 10 point 7, FACE-4, FACE-5) over the demo world's certified terminal: a newcomer "scans"
/// a synthetic demo face, the platform finds the payer (a lookalike needs the phone's last four digits), the passcode typed
/// on the page authorizes, and the merchant's view is a transaction only; the payer's balance falls by the amount.
/// </summary>
public sealed class FaceTerminalSimulatorTests(Browser browser) : IClassFixture<Browser>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_newcomer_pays_by_face_on_the_simulator_with_the_passcode_and_a_lookalike_asks_for_the_phone_digits()
    {
        await using var server = await ZhifuTestServer.StartAsync(null, "--Demo:FaceTerminal=true");
        await FaceKit.EnrolAsync(server, ZhangSan, SyntheticFaces.Demo(1), "135790");
        await FaceKit.EnrolAsync(server, LiSi, SyntheticFaces.Demo(7), "246813");
        await FaceKit.EnrolAsync(server, WangWu, SyntheticFaces.Demo(8), "975310"); // face 8 looks like face 7
        using var zhang = await WalletAsync(server, ZhangSan);
        using var li = await WalletAsync(server, LiSi);
        var before = await BalanceAsync(zhang);
        var page = await browser.PageAsync(server.BaseAddress);
        await page.GotoAsync("/face-terminal");
        Assert.StartsWith("FT", await page.InnerTextAsync("#terminal-id"), StringComparison.Ordinal);

        // liveness is required
        await page.UncheckAsync("#liveness");
        await page.ClickAsync("#scan");
        Assert.Equal("FACE_LIVENESS_REQUIRED", await page.GetAttributeAsync("#error", "data-code"));

        await page.SelectOptionAsync("#face", "1");
        await page.CheckAsync("#liveness");
        await page.FillAsync("#amount", "12.50");
        await page.ClickAsync("#scan");
        await page.WaitForSelectorAsync("#identified");
        await Browser.ShotAsync(page, "terminal-01-passcode");
        await page.FillAsync("#passcode", "246813"); // 李四's passcode is not 张三's
        await page.ClickAsync("#pay");
        Assert.Equal("BAD_FACE_PASSCODE", await page.GetAttributeAsync("#passcode-error", "data-code"));
        Assert.Equal(before, await BalanceAsync(zhang));
        await page.FillAsync("#passcode", "135790");
        await page.ClickAsync("#pay");
        await page.WaitForSelectorAsync("#result");
        Assert.Equal("SUCCESS", await page.InnerTextAsync("#trade-state"));
        Assert.Equal("¥12.50", await page.InnerTextAsync("#paid-amount"));
        Assert.DoesNotContain(ZhangSan, await page.ContentAsync(), StringComparison.Ordinal); // nothing about the person
        await Browser.ShotAsync(page, "terminal-02-paid");
        Assert.Equal(before - 1_250, await BalanceAsync(zhang));

        // the lookalike: face 7 is too close to face 8, so the phone's last four digits decide
        var liBefore = await BalanceAsync(li);
        await page.ClickAsync("a.button");
        await page.SelectOptionAsync("#face", "7");
        await page.FillAsync("#amount", "3.00");
        await page.ClickAsync("#scan");
        Assert.Equal("FACE_PHONE_DIGITS_REQUIRED", await page.GetAttributeAsync("#phoneLast4-error", "data-code"));
        await page.FillAsync("#phoneLast4", LiSi[^4..]);
        await page.ClickAsync("#scan");
        await page.WaitForSelectorAsync("#identified");
        await page.FillAsync("#passcode", "246813");
        await page.ClickAsync("#pay");
        await page.WaitForSelectorAsync("#result");
        Assert.Equal(liBefore - 300, await BalanceAsync(li));
        Assert.True((await server.VerifyAsync()).AllHold);
    }
}
