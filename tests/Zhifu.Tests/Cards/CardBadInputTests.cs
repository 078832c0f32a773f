using System.Net;
using Microsoft.EntityFrameworkCore;
using Zhifu.Data.Entities;
using Zhifu.Tests.Hosting;
using Zhifu.Tests.RealName;

namespace Zhifu.Tests.Cards;

/// <summary>Bad input on the card routes gets a stable code and binds nothing (CARD-1).</summary>
public sealed class CardBadInputTests(RealNameServerFixture fixture) : IClassFixture<RealNameServerFixture>
{
    private const string Url = "/api/wallet/me/cards";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CARD1_missing_malformed_or_oversized_input_is_refused_with_a_stable_code_and_nothing_is_bound()
    {
        var server = fixture.Server;
        var holder = TestHolder.New();
        var number = await holder.OpenCardAsync(RealNameKit.BankAddress(server), "ICBC");
        var (client, userId) = await RealNameKit.VerifiedWalletAsync(server, holder);
        var otp = await RealNameKit.CodeAsync(server, client, holder.Phone, "bind-card");
        var cases = new (string Body, int Status, string Code)[]
        {
            ("{}", 400, "INVALID_REQUEST"),
            ($"{{\"bank\":\"ICBC\",\"cardNumber\":\"{number}\"}}", 400, "INVALID_REQUEST"),
            ($"{{\"bank\":\"ICBC\",\"otp\":\"{otp}\"}}", 400, "INVALID_REQUEST"),
            ($"{{\"cardNumber\":\"{number}\",\"otp\":\"{otp}\"}}", 400, "INVALID_REQUEST"),
            ($"{{\"bank\":\"ICBC\",\"cardNumber\":{number},\"otp\":\"{otp}\"}}", 400, "INVALID_REQUEST"),
            ($"{{\"bank\":[\"ICBC\"],\"cardNumber\":\"{number}\",\"otp\":{otp}}}", 400, "INVALID_REQUEST"),
            ($"{{\"bank\":\"ICBC\",\"cardNumber\":\"{new string('6', 40)}\",\"otp\":\"{otp}\"}}", 400, "INVALID_REQUEST"),
            ($"{{\"bank\":\"ICBC\",\"cardNumber\":\"62220202000\",\"otp\":\"{otp}\"}}", 400, "INVALID_CARD_NUMBER"),
            ($"{{\"bank\":\"ICBC\",\"cardNumber\":\"6222abcd00012345\",\"otp\":\"{otp}\"}}", 400, "INVALID_CARD_NUMBER"),
            ($"{{\"bank\":\"I\",\"cardNumber\":\"{number}\",\"otp\":\"{otp}\"}}", 400, "INVALID_BANK"),
            ("{\"bank\": ", 400, "INVALID_REQUEST"),
            ("null", 400, "INVALID_REQUEST"),
            ("{\"bank\":\"" + new string('B', 70_000) + "\"}", 413, "PAYLOAD_TOO_LARGE"),
        };
        foreach (var (body, status, code) in cases)
        {
            await OperatorApiTests.AssertProblemAsync(await client.PostAsync(Url, RealNameKit.Json(body), Ct), status, code);
        }
        foreach (var token in new[] { "card_zz", "..%2F..%2Fadmin", new string('c', 300), "card_" + new string('0', 30) })
        {
            await OperatorApiTests.AssertProblemAsync(await client.GetAsync($"{Url}/{token}", Ct), 404, "CARD_NOT_FOUND");
            await OperatorApiTests.AssertProblemAsync(await client.DeleteAsync($"{Url}/{token}", Ct), 404, "CARD_NOT_FOUND");
        }
        using var anonymous = server.Client();
        await OperatorApiTests.AssertProblemAsync(await anonymous.GetAsync(Url, Ct), 401, "SIGN_IN_REQUIRED");
        await OperatorApiTests.AssertProblemAsync(await anonymous.PostAsync(Url, RealNameKit.Json("{}"), Ct), 401, "SIGN_IN_REQUIRED");

        await using (var db = server.Database.Options.CreateContext())
        {
            Assert.False(await db.Set<BankCardRow>().AnyAsync(c => c.UserId == userId, Ct));
        }
        // None of it spent the code.
        var good = $"{{\"bank\":\"ICBC\",\"cardNumber\":\"{number}\",\"otp\":\"{otp}\"}}";
        var bound = await client.PostAsync(Url, RealNameKit.Json(good), Ct);
        Assert.Equal(HttpStatusCode.Created, bound.StatusCode);
    }
}
