using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core.Banking;
using Zhifu.Data.Entities;
using Zhifu.Tests.Lifecycle;
using static Zhifu.Tests.Hosting.OperatorApiTests;
using static Zhifu.Tests.Lifecycle.LifecycleClient;

namespace Zhifu.Tests.Transfers;

/// <summary>Bad input on the transfer routes gets a stable code and writes nothing; restricted wallets move no money (ACC-4…6).</summary>
public sealed class TransferBadInputTests : IAsyncLifetime
{
    private ClockedServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await TransferKit.StartAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task TRF1_missing_malformed_oversized_or_foreign_input_is_refused_with_a_stable_code_and_nothing_is_written()
    {
        var (zhang, li) = (await Party.SignInAsync(_server, DemoCards.ZhangSan), await Party.SignInAsync(_server, DemoCards.LiSi));
        var (zhangBefore, liBefore) = (await zhang.BalanceAsync(), await li.BalanceAsync());
        var ok = $"\"requestId\":\"{Party.NewRequestId()}\",\"paymentPassword\":\"147258\"";
        var cases = new (string Body, int Status, string Code)[]
        {
            ("{}", 400, "INVALID_TRANSFER_REQUEST"),
            ($"{{\"payeePhone\":\"{li.Person.Phone}\",\"amountFen\":100,\"paymentPassword\":\"147258\"}}", 400, "INVALID_REQUEST_ID"),
            ($"{{\"requestId\":\"short\",\"payeePhone\":\"{li.Person.Phone}\",\"amountFen\":100,\"paymentPassword\":\"147258\"}}", 400,
                "INVALID_REQUEST_ID"),
            ($"{{{ok},\"payeePhone\":\"{li.Person.Phone}\",\"amountFen\":0}}", 400, "INVALID_AMOUNT"),
            ($"{{{ok},\"payeePhone\":\"{li.Person.Phone}\",\"amountFen\":-5}}", 400, "INVALID_AMOUNT"),
            ($"{{{ok},\"payeePhone\":\"{li.Person.Phone}\",\"amountFen\":true}}", 400, "INVALID_REQUEST"),
            ($"{{{ok},\"payeePhone\":\"{li.Person.Phone}\",\"amountFen\":\"abc\"}}", 400, "INVALID_REQUEST"),
            ($"{{{ok},\"payeePhone\":\"{li.Person.Phone}\",\"amountFen\":1.5}}", 400, "INVALID_REQUEST"),
            ($"{{{ok},\"payeePhone\":\"123\",\"amountFen\":100}}", 400, "INVALID_PHONE"),
            ($"{{{ok},\"payeePhone\":\"{li.Person.Phone}\",\"amountFen\":100,\"arrival\":\"3h\"}}", 400, "INVALID_ARRIVAL"),
            ($"{{{ok},\"payeePhone\":\"{li.Person.Phone}\",\"amountFen\":100,\"memo\":\"{new string('备', 33)}\"}}", 400, "INVALID_MEMO"),
            ($"{{{ok},\"payeePhone\":\"13900000001\",\"amountFen\":100}}", 404, "PAYEE_NOT_FOUND"),
            ($"{{{ok},\"payeePhone\":\"{zhang.Person.Phone}\",\"amountFen\":100}}", 400, "CANNOT_TRANSFER_TO_SELF"),
            ($"{{\"requestId\":\"{Party.NewRequestId()}\",\"paymentPassword\":\"999999\","
                + $"\"payeePhone\":\"{li.Person.Phone}\",\"amountFen\":100}}", 401, "BAD_PAYMENT_PASSWORD"),
            ("{\"requestId\": ", 400, "INVALID_REQUEST"),
            ("{\"memo\":\"" + new string('备', 70_000) + "\"}", 413, "PAYLOAD_TOO_LARGE"),
        };
        foreach (var (body, status, code) in cases)
        {
            await AssertProblemAsync(await zhang.Wallet.PostAsync("/api/wallet/me/transfers", Json(body), Ct), status, code);
        }
        var liDebit = await li.CardTokenAsync("debit");
        await AssertProblemAsync(await zhang.ToCardAsync(liDebit, 100), 404, "CARD_NOT_FOUND"); // another holder's card
        await AssertProblemAsync(await zhang.ToCardAsync(new string('x', 65), 100), 404, "CARD_NOT_FOUND");
        var emptyCardTransfer = await zhang.Wallet.PostAsync("/api/wallet/me/card-transfers", Json("{}"), Ct);
        await AssertProblemAsync(emptyCardTransfer, 400, "INVALID_TRANSFER_REQUEST");
        await AssertProblemAsync(await zhang.RevokeAsync(Guid.CreateVersion7()), 404, "TRANSFER_NOT_FOUND");
        var unknown = await zhang.Wallet.GetAsync($"/api/wallet/me/transfers/{Guid.CreateVersion7()}", Ct);
        await AssertProblemAsync(unknown, 404, "TRANSFER_NOT_FOUND");
        await AssertProblemAsync(await zhang.Wallet.GetAsync("/api/wallet/me/transfers/payee?phone=12", Ct), 400, "INVALID_PHONE");
        using var anonymous = _server.Client();
        await AssertProblemAsync(await anonymous.PostAsync("/api/wallet/me/transfers", Json("{}"), Ct), 401, "SIGN_IN_REQUIRED");

        using var risk = await OperatorAsync(_server, "risk");
        var url = $"/api/ops/accounts/{li.UserId}/transfer-limits";
        await AssertProblemAsync(await risk.PutAsJsonAsync(url, new { dailyAmountFen = 100 }, Ct), 400, "INVALID_TRANSFER_LIMITS");
        var negative = await risk.PutAsJsonAsync(url, new { dailyAmountFen = -1, reason = "r" }, Ct);
        await AssertProblemAsync(negative, 400, "INVALID_TRANSFER_LIMITS");
        await AssertProblemAsync(await risk.PutAsJsonAsync(url, new { dailyCount = 0, reason = "r" }, Ct), 400, "INVALID_TRANSFER_LIMITS");
        await AssertProblemAsync(await risk.PutAsync(url, Json("{\"dailyCount\":\"x\"}"), Ct), 400, "INVALID_REQUEST");
        await AssertProblemAsync(await risk.PutAsJsonAsync($"/api/ops/accounts/{Guid.CreateVersion7()}/transfer-limits",
            new { dailyCount = 1, reason = "r" }, Ct), 404, "USER_NOT_FOUND");
        await AssertProblemAsync(await zhang.Wallet.GetAsync(url, Ct), 401, "OPS_SIGN_IN_REQUIRED");

        Assert.Equal(0, await TransferKit.TransferRowsAsync(_server));
        await using var db = _server.Database.Options.CreateContext();
        Assert.False(await db.Set<TransferLimitOverrideRow>().AnyAsync(Ct));
        Assert.Equal((zhangBefore, liBefore), (await zhang.BalanceAsync(), await li.BalanceAsync()));
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Fact]
    public async Task ACC6_a_frozen_wallet_cannot_transfer_and_a_frozen_payee_cannot_receive()
    {
        var (zhang, li) = (await Party.SignInAsync(_server, DemoCards.ZhangSan), await Party.SignInAsync(_server, DemoCards.LiSi));
        using var risk = await OperatorAsync(_server, "risk");
        (await risk.PostAsJsonAsync($"/api/ops/accounts/{li.UserId}/freeze", new { reason = "风险排查" }, Ct)).EnsureSuccessStatusCode();
        await AssertProblemAsync(await li.SendAsync(zhang, 100), 403, "ACCOUNT_FROZEN_BY_OPERATOR");
        await AssertProblemAsync(await zhang.SendAsync(li, 100), 409, "PAYEE_CANNOT_RECEIVE");
        Assert.Equal(0, await TransferKit.TransferRowsAsync(_server));
        await TransferKit.AssertVerifiedAsync(_server);
    }
}
