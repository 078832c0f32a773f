using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Core.Banking;
using Zhifu.Data.Entities;
using Zhifu.Server.Notifications;
using Zhifu.Tests.Accounts;
using Zhifu.Tests.Infrastructure;
using static Zhifu.Tests.Statements.StatementKit;

namespace Zhifu.Tests.Statements;

/// <summary>
/// A transfer to the holder's card (TRF-1) leaves through a fund movement's bank hold (CARD-2): the statement shows it once,
/// as <c>transfer-to-card</c>, and that line's detail lists the bank hold and its post, adding up to the line.
/// </summary>
public sealed class CardTransferStatementTests : IAsyncLifetime
{
    private ZhifuTestServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await ZhifuTestServer.StartAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task TRF1_a_transfer_to_a_card_is_one_statement_line_whose_detail_holds_the_bank_legs()
    {
        using var zhang = await WalletClient.SignInAsync(_server, DemoCards.ZhangSan.Phone, "Demo@2026");
        var response = await zhang.PostAsJsonAsync("/api/wallet/me/card-transfers", new
        {
            requestId = "stmt-" + Guid.NewGuid().ToString("N"), cardToken = await CardAsync(zhang, "ICBC"), amountFen = 1_200,
            paymentPassword = PaymentPassword,
        }, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, text);
        var transferId = JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid();

        var lines = await AllAsync(zhang, "/api/wallet/me/statement", 50);
        var line = Assert.Single(lines, l => l.GetProperty("amountFen").GetInt64() == -1_200);
        Assert.Equal(("transfer-to-card", transferId), (line.GetProperty("kind").GetString(), Id(line)));
        Assert.DoesNotContain(lines, l => l.GetProperty("kind").GetString() == "withdrawal");
        Assert.Empty((await GetOkAsync(zhang, "/api/wallet/me/statement?kind=withdrawal")).GetProperty("entries").EnumerateArray());

        var detail = await GetOkAsync(zhang, $"/api/wallet/me/statement/{transferId}");
        var legs = detail.GetProperty("transfers").EnumerateArray().ToList();
        Assert.Equal(["hold", "post"], legs.Select(l => l.GetProperty("leg").GetString()));
        Assert.Equal(-1_200, legs.Sum(l => l.GetProperty("postedFen").GetInt64() + l.GetProperty("heldFen").GetInt64()));
        Assert.Equal((-1_200L, 0L), (detail.GetProperty("postedFen").GetInt64(), detail.GetProperty("heldFen").GetInt64()));

        // The bank leg is not a line of its own: its id is no statement record.
        Guid movementId;
        await using (var db = _server.Database.Options.CreateContext())
        {
            movementId = (await db.Set<WalletTransferRow>().SingleAsync(t => t.Id == transferId, Ct)).FundMovementId!.Value;
        }
        await RefusedAsync(zhang, $"/api/wallet/me/statement/{movementId}", 404, "STATEMENT_ENTRY_NOT_FOUND");
        Assert.True((await _server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task TRF3_the_transfer_verification_code_text_says_what_it_authorizes()
    {
        using var zhang = await WalletClient.SignInAsync(_server, DemoCards.ZhangSan.Phone, "Demo@2026");
        var sent = await zhang.PostAsync("/api/wallet/me/transfers/verification-code", null, Ct);
        Assert.True(sent.IsSuccessStatusCode, await sent.Content.ReadAsStringAsync(Ct));

        var texts = await _server.Services.GetRequiredService<SmsOutbox>().ReadAsync(DemoCards.ZhangSan.Phone, 5, Ct);
        var body = texts.First(t => t.Kind == "otp").Body;
        Assert.Contains("仅用于大额转账验证", body, StringComparison.Ordinal);
        Assert.DoesNotContain("身份验证", body, StringComparison.Ordinal);
    }
}
