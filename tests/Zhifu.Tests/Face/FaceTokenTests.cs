using System.Security.Cryptography;
using System.Text.Json;
using Zhifu.Core.Banking;
using Zhifu.Tests.Lifecycle;
using Zhifu.Tests.Transfers;

namespace Zhifu.Tests.Face;

/// <summary>
/// FACE-4's face token and the lookalike digit bound live in the database, not in one server's memory: a token pays once even
/// when two payments race with it, and a token and a terminal's wrong-digit count survive the server that made them (any
/// replica, or the same one restarted, answers the same — architecture.md's stateless replicas).
/// </summary>
public sealed class FaceTokenTests
{
    private const string AppId = "wxd678efh567hg6787";

    [Fact]
    public async Task FACE4_one_token_pays_once_when_two_payments_race_with_it()
    {
        await using var server = await TransferKit.StartAsync();
        var (terminalId, key) = await FacePaymentTests.CertifiedTerminalAsync(server);
        var face = FaceVectors.Unit(new Random(21));
        var zhang = await FacePaymentTests.EnrolAsync(server, DemoCards.ZhangSan, face, "135790");
        await zhang.FundAsync(10_000);
        var before = (await zhang.BalanceAsync()).Balance;
        var client = server.Client();
        var token = await IdentifyAsync(server, client, terminalId, key, FaceVectors.Toward(face, FaceVectors.Unit(new Random(22)), 0.9f));

        var answers = await Task.WhenAll(Enumerable.Range(1, 4).Select(i =>
            PayAsync(server, client, terminalId, key, token, "135790", $"FACE-RACE-{i}", 1_000)));

        Assert.Single(answers, a => a.Status == 200);
        Assert.All(answers.Where(a => a.Status != 200), a => Assert.Equal("FACE_TOKEN_INVALID", FacePaymentTests.Code(a)));
        Assert.Equal(before - 1_000, (await zhang.BalanceAsync()).Balance); // one charge, whatever the timing
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task FACE4_a_token_and_the_wrong_digit_count_outlive_the_server_that_made_them()
    {
        await using var server = await TransferKit.StartAsync();
        var (terminalId, key) = await FacePaymentTests.CertifiedTerminalAsync(server);
        var random = new Random(23);
        var zhangFace = FaceVectors.Unit(random);
        var liFace = FaceVectors.Toward(zhangFace, FaceVectors.Unit(random), 0.97f); // a lookalike: the phone digits decide
        var zhang = await FacePaymentTests.EnrolAsync(server, DemoCards.ZhangSan, zhangFace, "135790");
        await FacePaymentTests.EnrolAsync(server, DemoCards.LiSi, liFace, "246802");
        await zhang.FundAsync(10_000);
        var capture = FaceVectors.Toward(zhangFace, FaceVectors.Unit(random), 0.9f);
        var client = server.Client();
        var token = await IdentifyAsync(server, client, terminalId, key, capture, DemoCards.ZhangSan.Phone[^4..]);
        for (var i = 1; i <= 5; i++)
        {
            Assert.Equal("FACE_NOT_FOUND", FacePaymentTests.Code(await SendIdentifyAsync(server, client, terminalId, key, capture, $"000{i}")));
        }

        await server.RestartAsync();
        client = server.Client(); // the restarted server listens on a new port

        // the bound still holds: even the right digits wait out the window
        Assert.Equal("FACE_TOO_MANY_ATTEMPTS",
            FacePaymentTests.Code(await SendIdentifyAsync(server, client, terminalId, key, capture, DemoCards.ZhangSan.Phone[^4..])));
        // the token issued before the restart pays, once
        var paid = await PayAsync(server, client, terminalId, key, token, "135790", "FACE-AFTER-RESTART", 800);
        Assert.True(paid.Status == 200, paid.Text);
        Assert.Equal("SUCCESS", JsonDocument.Parse(paid.Text).RootElement.GetProperty("trade_state").GetString());
        Assert.Equal("FACE_TOKEN_INVALID",
            FacePaymentTests.Code(await PayAsync(server, client, terminalId, key, token, "135790", "FACE-AFTER-RESTART-2", 800)));
        server.Clock.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(200, (await SendIdentifyAsync(server, client, terminalId, key, capture, DemoCards.ZhangSan.Phone[^4..])).Status);
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task FACE4_guesses_at_a_lookalikes_phone_digits_sent_at_once_are_checked_no_more_often_than_the_bound()
    {
        await using var server = await TransferKit.StartAsync();
        var (terminalId, key) = await FacePaymentTests.CertifiedTerminalAsync(server);
        var random = new Random(29);
        var zhangFace = FaceVectors.Unit(random);
        await FacePaymentTests.EnrolAsync(server, DemoCards.ZhangSan, zhangFace, "135790");
        await FacePaymentTests.EnrolAsync(server, DemoCards.LiSi, FaceVectors.Toward(zhangFace, FaceVectors.Unit(random), 0.97f), "246802");
        var capture = FaceVectors.Toward(zhangFace, FaceVectors.Unit(random), 0.9f);
        var client = server.Client();

        var guesses = Enumerable.Range(1, 12).Select(i => $"{i:D4}").Append(DemoCards.ZhangSan.Phone[^4..]).ToList();
        var answers = await Task.WhenAll(guesses.Select(g => SendIdentifyAsync(server, client, terminalId, key, capture, g)));

        // each guess is counted before it is checked: at most five wrong sets are checked at all (the right one, if checked, gives
        // its count back), the rest refused unchecked
        Assert.True(answers.Count(a => FacePaymentTests.Code(a) == "FACE_NOT_FOUND") <= 5,
            string.Join(", ", answers.Select(a => a.Status == 200 ? "200" : FacePaymentTests.Code(a))));
        Assert.All(answers.Where(a => a.Status != 200 && FacePaymentTests.Code(a) != "FACE_NOT_FOUND"),
            a => Assert.Equal("FACE_TOO_MANY_ATTEMPTS", FacePaymentTests.Code(a)));
    }

    private static async Task<(int Status, string Text)> SendIdentifyAsync(ClockedServer server, HttpClient client, string terminalId,
        RSA key, float[] capture, string? last4 = null) =>
        await FaceTerminalTests.SendAsync(server, client, terminalId, key, "/api/face/terminal/identify", JsonSerializer.Serialize(new
        {
            probe = await FaceVectors.SealAsync(client, capture), livenessPassed = true, phoneLast4 = last4,
        }, JsonSerializerOptions.Web));

    private static async Task<string> IdentifyAsync(ClockedServer server, HttpClient client, string terminalId, RSA key, float[] capture,
        string? last4 = null)
    {
        var identified = await SendIdentifyAsync(server, client, terminalId, key, capture, last4);
        Assert.True(identified.Status == 200, identified.Text);
        return JsonDocument.Parse(identified.Text).RootElement.GetProperty("faceToken").GetString()!;
    }

    private static Task<(int Status, string Text)> PayAsync(ClockedServer server, HttpClient client, string terminalId, RSA key, string token,
        string passcode, string outTradeNo, long amountFen) =>
        FaceTerminalTests.SendAsync(server, client, terminalId, key, "/api/face/terminal/pay", JsonSerializer.Serialize(new
        {
            faceToken = token, passcode, appId = AppId, outTradeNo, description = "知付演示咖啡馆-刷脸", amountFen,
        }, JsonSerializerOptions.Web));
}
