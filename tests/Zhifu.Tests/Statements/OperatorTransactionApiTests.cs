using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core.Banking;
using Zhifu.Data.Entities;
using Zhifu.Tests.Accounts;
using Zhifu.Tests.Infrastructure;
using static Zhifu.Tests.Statements.StatementKit;

namespace Zhifu.Tests.Statements;

/// <summary>
/// <c>GET /api/ops/transactions</c> (SEC-1, SEC-2, ACC-8): the console's transaction list for API clients — the same filter,
/// paging limits, roles and audit entry as the page; wallets masked; bad input refused with a stable code and not audited.
/// </summary>
public sealed class OperatorTransactionApiTests : IAsyncLifetime
{
    private ZhifuTestServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await ZhifuTestServer.StartAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task The_reader_roles_list_filter_and_page_every_wallets_movements_masked_and_each_page_is_audited()
    {
        using (var zhang = await WalletClient.SignInAsync(_server, DemoCards.ZhangSan.Phone, "Demo@2026"))
        {
            await MoveAsync(zhang, "top-ups", await CardAsync(zhang, "CCB"), 4_321);
        }
        using (var li = await WalletClient.SignInAsync(_server, DemoCards.LiSi.Phone, "Demo@2026"))
        {
            await MoveAsync(li, "top-ups", await CardAsync(li, "CCB"), 1_234);
        }

        foreach (var role in new[] { "service", "operations", "risk", "audit" })
        {
            using var ops = await OperatorSignIn.AsAsync(_server.Client(), role);
            var before = (await AuditAsync()).Count;
            var page = await GetOkAsync(ops, "/api/ops/transactions?kind=top-up&sort=amount");
            Assert.Equal(2, page.GetProperty("total").GetInt32());
            Assert.False(page.GetProperty("totalIsLowerBound").GetBoolean());
            var items = page.GetProperty("items").EnumerateArray().ToList();
            Assert.Equal([4_321L, 1_234L], items.Select(i => i.GetProperty("amountFen").GetInt64()));
            Assert.Equal("¥43.21", items[0].GetProperty("amount").GetString());
            Assert.Equal("138****8001", items[0].GetProperty("wallet").GetString()); // masked, never the number (ACC-8)
            Assert.Equal("139****5678", items[1].GetProperty("wallet").GetString());
            Assert.All(items, i => Assert.Equal(("top-up", "succeeded"), (i.GetProperty("kind").GetString(), i.GetProperty("outcome").GetString())));
            Assert.EndsWith("+08:00", items[0].GetProperty("at").GetString(), StringComparison.Ordinal); // China time
            var read = Assert.Single((await AuditAsync()).Skip(before));
            Assert.Equal(("transactions.list", role), (read.Action, read.Role));
            Assert.Contains("2 of 2", read.Details, StringComparison.Ordinal);
            Assert.Contains("kind=top-up", read.Details, StringComparison.Ordinal);
        }

        using var service = await OperatorSignIn.AsAsync(_server.Client(), "service");
        var first = await GetOkAsync(service, "/api/ops/transactions?kind=top-up&size=1&sort=old");
        var second = await GetOkAsync(service, "/api/ops/transactions?kind=top-up&size=1&sort=old&page=2");
        Assert.Equal((1, 1, 2), (first.GetProperty("page").GetInt32(), first.GetProperty("size").GetInt32(), first.GetProperty("total").GetInt32()));
        Assert.Equal(1_234, second.GetProperty("items")[0].GetProperty("amountFen").GetInt64());
        Assert.Equal(4_321, first.GetProperty("items")[0].GetProperty("amountFen").GetInt64());
        var small = await GetOkAsync(service, "/api/ops/transactions?min=0.01&max=20");
        Assert.Equal([1_234L], small.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("amountFen").GetInt64()));
        var body = await service.GetStringAsync("/api/ops/transactions", Ct);
        Assert.DoesNotContain(DemoCards.ZhangSan.Phone, body, StringComparison.Ordinal);
        Assert.DoesNotContain(DemoCards.LiSi.Phone, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Finance_strangers_and_bad_input_are_refused_with_a_stable_code_and_nothing_is_audited()
    {
        var before = (await AuditAsync()).Count;
        using var anonymous = _server.Client();
        await RefusedAsync(anonymous, "/api/ops/transactions", 401, "OPS_SIGN_IN_REQUIRED");
        using var finance = await OperatorSignIn.AsAsync(_server.Client(), "finance");
        await RefusedAsync(finance, "/api/ops/transactions", 403, "OPS_ROLE_FORBIDDEN"); // finance works from the ledger

        using var service = await OperatorSignIn.AsAsync(_server.Client(), "service");
        foreach (var (query, code) in new[]
        {
            ("size=500", "INVALID_TRANSACTION_PAGE_SIZE"), ("size=0", "INVALID_TRANSACTION_PAGE_SIZE"), ("size=x", "INVALID_TRANSACTION_PAGE_SIZE"),
            ("page=0", "INVALID_TRANSACTION_PAGE"), ("page=1000&size=100", "INVALID_TRANSACTION_PAGE"),
            ("kind=bogus", "INVALID_TRANSACTION_KIND"), ("status=paid", "INVALID_TRANSACTION_STATUS"), ("sort=random", "INVALID_TRANSACTION_SORT"),
            ("from=2026-13-01", "INVALID_TRANSACTION_TIME"), ("from=2026-12-02&to=2026-12-01", "INVALID_TRANSACTION_TIME"),
            ("min=abc", "INVALID_TRANSACTION_AMOUNT"), ("min=20&max=10", "INVALID_TRANSACTION_AMOUNT"),
            ("limit=10", "INVALID_TRANSACTION_PARAMETER"), ("kind=top-up&kind=refund", "INVALID_TRANSACTION_PARAMETER"),
            ("q=" + new string('1', 65), "INVALID_TRANSACTION_PARAMETER"),
        })
        {
            await RefusedAsync(service, "/api/ops/transactions?" + query, 400, code);
        }
        Assert.Equal(before, (await AuditAsync()).Count);
        // the deepest page anyone may open is still answered
        Assert.Equal(0, (await GetOkAsync(service, "/api/ops/transactions?page=101&size=100")).GetProperty("items").GetArrayLength());
    }

    private async Task<List<AuditRow>> AuditAsync()
    {
        await using var db = _server.Database.Options.CreateContext();
        return await db.Set<AuditRow>().AsNoTracking().Where(a => a.Action.StartsWith("transactions.")).OrderBy(a => a.Sequence).ToListAsync(Ct);
    }
}
