using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Data.Entities;
using Zhifu.Server.Ledger;
using Zhifu.Tests.Hosting;
using Zhifu.Tests.Infrastructure;
using Zhifu.Tests.RealName;
using static Zhifu.Tests.Statements.StatementKit;

namespace Zhifu.Tests.Statements;

/// <summary>
/// ACC-2 wallet merges on the statement: the kept wallet shows the money in, the closed one (seen by customer service, since
/// its holder can no longer sign in to it) the money out — each explained by the merge's ledger transfers, CARD-3 intact.
/// </summary>
public sealed class MergeStatementTests(RealNameServerFixture fixture) : IClassFixture<RealNameServerFixture>
{
    private static readonly string[] FiveBanks = ["ICBC", "CCB", "ABC", "BOC", "CMB"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ZhifuTestServer Server => fixture.Server;

    [Fact]
    public async Task ACC2_a_merge_is_one_line_in_on_the_kept_wallet_and_one_line_out_on_the_closed_one()
    {
        var holder = TestHolder.New();
        var first = await RealNameKit.VerifiedWalletAsync(Server, holder, FiveBanks);
        var again = holder with { Phone = TestHolder.NewPhone() };
        var second = await RealNameKit.OpenWalletAsync(Server, again);
        await OperatorApiTests.AssertProblemAsync(await RealNameKit.VerifyAsync(second.Client, again), 422, "IDENTITY_DOUBTFUL");
        using (var ops = await RealNameKit.OperatorAsync(Server, "ops"))
        {
            Assert.Equal(HttpStatusCode.OK, (await RealNameKit.FaceToFaceAsync(ops, second.UserId, again)).StatusCode);
        }
        await RealNameKit.SetPaymentPasswordAsync(Server, second.Client, again.Phone);
        var from = await UserAsync(Server.Database.Options, first.UserId);
        await FundAsync(from.WalletAccountId, 30_000);
        await FundAsync(from.ConsumptionAccountId, 5_000);

        var chose = await second.Client.PostAsJsonAsync("/api/wallet/me/real-name/class-three-choice",
            new { keepUserId = second.UserId, action = "merge", paymentPassword = RealNameKit.PaymentPassword }, Ct);
        Assert.Equal(HttpStatusCode.OK, chose.StatusCode);

        var kept = (await GetOkAsync(second.Client, "/api/wallet/me/statement")).GetProperty("entries");
        var mergeIn = Assert.Single(kept.EnumerateArray());
        Assert.Equal(("merge-in", 35_000L, "succeeded"), (mergeIn.GetProperty("kind").GetString(),
            mergeIn.GetProperty("amountFen").GetInt64(), mergeIn.GetProperty("status").GetString()));
        Assert.Matches(@"^137\*{4}\d{4}$", mergeIn.GetProperty("counterparty").GetString()); // the other wallet, masked (ACC-8)
        var detail = await GetOkAsync(second.Client, $"/api/wallet/me/statement/{Id(mergeIn)}");
        var legs = detail.GetProperty("transfers").EnumerateArray()
            .Select(t => (t.GetProperty("account").GetString(), t.GetProperty("postedFen").GetInt64())).OrderBy(l => l.Item1).ToList();
        Assert.Equal([("balance", 30_000L), ("consumption-only", 5_000L)], legs); // CARD-3 follows the money
        Assert.Equal(35_000, detail.GetProperty("postedFen").GetInt64());

        using var service = await RealNameKit.OperatorAsync(Server, "service");
        var closed = (await GetOkAsync(service, $"/api/ops/users/{first.UserId}/statement")).GetProperty("entries")
            .EnumerateArray().ToList();
        Assert.Equal(["merge-out", "adjustment", "adjustment"], closed.Select(l => l.GetProperty("kind").GetString()));
        Assert.Equal([-35_000L, 5_000L, 30_000L], closed.Select(l => l.GetProperty("amountFen").GetInt64()));
        Assert.Equal(Id(mergeIn), Id(closed[0]));
        var outDetail = await GetOkAsync(service, $"/api/ops/users/{first.UserId}/statement/{Id(closed[0])}");
        Assert.Equal(-35_000, outDetail.GetProperty("postedFen").GetInt64());
        Assert.True((await Server.VerifyAsync()).AllHold);
    }

    private async Task FundAsync(Guid account, long fen)
    {
        var chart = Server.Services.GetRequiredService<InstitutionChart>();
        var result = await Server.Services.GetRequiredService<Adjustments>().PostAsync(Guid.CreateVersion7(), "test-funding", "merge test",
            chart[InstitutionChart.Custody("ICBC")], account, fen, "test", Ct);
        Assert.True(result is Zhifu.Core.Ledger.TransferResult.Ok, result.ToString());
    }
}
