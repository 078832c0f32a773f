using System.Net;
using System.Net.Http.Json;
using System.Text;
using Zhifu.Core.Banking;

namespace Zhifu.Tests.Bank;

/// <summary>Bad input gets a 4xx with a stable JSON code, never a 500, and writes nothing.</summary>
public sealed class BankBadInputTests(BankSimulatorFixture bank) : IClassFixture<BankSimulatorFixture>
{
    private const string Card = "6222020200012345670";
    private const string Person = "\"name\":\"张三\",\"id_no\":\"110105198503123010\",\"phone\":\"13800138001\"";

    public static TheoryData<string, string, string, int, string> BadRequests => new()
    {
        { "POST", "v1/debits", "not json", 400, BankErrorCodes.InvalidJson },
        { "POST", "v1/debits", "[]", 400, BankErrorCodes.InvalidJson },
        { "POST", "v1/debits", "{}", 400, BankErrorCodes.InvalidRequestId },
        { "POST", "v1/debits", Debit("bad-1", "\"12\""), 400, BankErrorCodes.InvalidJson },
        { "POST", "v1/debits", Debit("bad-2", "12.5"), 400, BankErrorCodes.InvalidJson },
        { "POST", "v1/debits", Debit("bad-3", "0"), 400, BankErrorCodes.InvalidAmount },
        { "POST", "v1/debits", Debit("bad-4", "-5"), 400, BankErrorCodes.InvalidAmount },
        { "POST", "v1/credits", Debit("bad-5", "100000000001"), 400, BankErrorCodes.InvalidAmount },
        { "POST", "v1/credits", Debit("bad-6", "99999999999999999999"), 400, BankErrorCodes.InvalidJson },
        { "POST", "v1/debits", Debit("bad-7", "1", ",\"amount_fen\":2"), 400, BankErrorCodes.InvalidJson },
        { "POST", "v1/debits", Debit(new string('r', 65), "1"), 400, BankErrorCodes.InvalidRequestId },
        { "POST", "v1/debits", Debit("bad 8", "1"), 400, BankErrorCodes.InvalidRequestId },
        { "POST", "v1/debits", Debit("bad-9\\n", "1"), 400, BankErrorCodes.InvalidRequestId },
        { "POST", "v1/debits", Debit("bad-10", "1").Replace(Card, "6222020200012345671", StringComparison.Ordinal), 400,
            BankErrorCodes.InvalidCardNumber },
        { "POST", "v1/debits", Debit("bad-11", "1").Replace("ICBC", "icbc", StringComparison.Ordinal), 400, BankErrorCodes.InvalidBank },
        { "POST", "v1/debits", Debit("bad-12", "1", $",\"memo\":\"{new string('m', 129)}\""), 400, BankErrorCodes.InvalidMemo },
        { "POST", "v1/debits", Debit("bad-13", "1", ",\"notify_url\":\"ftp://example.com/x\""), 400, BankErrorCodes.InvalidNotifyUrl },
        { "POST", "v1/debits", Debit("bad-14", "1", $",\"memo\":\"{new string('m', 20_000)}\""), 413, BankErrorCodes.BodyTooLarge },
        { "POST", "v1/reversals", "{\"request_id\":\"bad-15\",\"reversal_id\":\"\"}", 400, BankErrorCodes.InvalidReversalId },
        { "POST", "v1/identity/verify", Identity("3010", "3011"), 400, BankErrorCodes.InvalidIdNumber },
        { "POST", "v1/identity/verify", Identity("138001380", "13800138"), 400, BankErrorCodes.InvalidPhone },
        { "POST", "v1/cards/verify", CardCheck("张三", ""), 400, BankErrorCodes.InvalidName },
        { "GET", "v1/statements/ICBC/2025-02-30", "", 400, BankErrorCodes.InvalidDate },
        { "GET", "v1/transactions/" + new string('q', 65), "", 400, BankErrorCodes.InvalidRequestId },
        { "POST", "admin/cards", "{\"bank\":\"ICBC\",\"card_no\":\"6217990000000000006\"," + Person + ",\"card_type\":\"gold\"}", 400,
            BankErrorCodes.InvalidCardType },
        { "PUT", "admin/faults", "{\"timeout_rate\":1.5}", 400, BankErrorCodes.InvalidFaults },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_input_is_refused_with_a_stable_code_and_writes_nothing(
        string method, string path, string body, int status, string code)
    {
        var ct = TestContext.Current.CancellationToken;
        var before = await bank.Admin.TotalsAsync(ct);
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(bank.BaseAddress, path));
        if (method != "GET")
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await bank.Http.SendAsync(request, ct);
        var error = await response.Content.ReadFromJsonAsync<Error>(BankAdminClient.Json, ct);

        Assert.Equal((status, code), ((int)response.StatusCode, error?.Code));
        Assert.Equal(before, await bank.Admin.TotalsAsync(ct));
    }

    [Fact]
    public async Task A_body_that_is_not_declared_as_json_is_refused_with_415()
    {
        var ct = TestContext.Current.CancellationToken;
        using var content = new StringContent(Debit("bad-plain", "1"), Encoding.UTF8, "text/plain");

        using var response = await bank.Http.PostAsync(new Uri(bank.BaseAddress, "v1/debits"), content, ct);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal(BankErrorCodes.InvalidJson, (await response.Content.ReadFromJsonAsync<Error>(BankAdminClient.Json, ct))?.Code);
        Assert.Equal(BankTransactionStatus.NotFound, (await bank.NewChannel().QueryAsync("bad-plain", ct)).Status);
    }

    [Fact]
    public async Task CARD4_the_channel_reports_a_refused_request_as_failed_with_the_code_because_nothing_was_done()
    {
        var ct = TestContext.Current.CancellationToken;
        var channel = bank.NewChannel();

        var zero = await channel.DebitAsync(new BankMovementRequest("bad-zero", "ICBC", Card, 0), ct);
        var badQuery = await channel.QueryAsync("bad id", ct);

        Assert.Equal((BankOutcome.Failed, BankErrorCodes.InvalidAmount), (zero.Outcome, zero.Code));
        // A query that cannot be asked says nothing about the movement: it stays unknown, never failed.
        Assert.Equal((BankTransactionStatus.Unknown, BankErrorCodes.InvalidRequestId), (badQuery.Status, badQuery.Code));
        Assert.Equal(BankTransactionStatus.NotFound, (await channel.QueryAsync("bad-zero", ct)).Status);
    }

    private static string Debit(string requestId, string amount, string extra = "") =>
        $"{{\"request_id\":\"{requestId}\",\"bank\":\"ICBC\",\"card_no\":\"{Card}\",\"amount_fen\":{amount}{extra}}}";

    /// <summary>An identity check for 张三 with one fact broken by replacing <paramref name="find"/>.</summary>
    private static string Identity(string find, string replace) =>
        $"{{\"source\":\"ICBC\",{Person.Replace(find, replace, StringComparison.Ordinal)}}}";

    private static string CardCheck(string find, string replace) =>
        $"{{\"bank\":\"ICBC\",\"card_no\":\"{Card}\",{Person.Replace(find, replace, StringComparison.Ordinal)}}}";

    private sealed record Error(string? Code, string? Message);
}
