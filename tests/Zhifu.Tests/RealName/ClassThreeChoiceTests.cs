using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Core.Ledger;
using Zhifu.Data.Entities;
using Zhifu.Server.Ledger;
using Zhifu.Server.Notifications;
using Zhifu.Server.RealName;
using Zhifu.Server.Security;
using Zhifu.Server.Transfers;
using Zhifu.Tests.Hosting;
using Zhifu.Tests.Infrastructure;

namespace Zhifu.Tests.RealName;

/// <summary>ACC-2: one Class Ⅲ account per ID number; the holder chooses to downgrade or merge the other.</summary>
public sealed class ClassThreeChoiceTests(RealNameServerFixture fixture) : IClassFixture<RealNameServerFixture>
{
    private static readonly string[] FiveBanks = ["ICBC", "CCB", "ABC", "BOC", "CMB"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ZhifuTestServer Server => fixture.Server;

    [Fact]
    public async Task ACC2_a_second_wallet_reaching_class_three_for_one_ID_number_is_capped_at_class_two_until_the_holder_chooses()
    {
        var (first, second) = await TwoClassThreeCandidatesAsync();
        var status = await RealNameKit.StatusAsync(second.Client);
        Assert.Equal(2, status.GetProperty("accountClass").GetInt32());
        var choice = status.GetProperty("classThreeChoice");
        Assert.Equal(first.UserId, choice.GetProperty("otherUserId").GetGuid());
        Assert.Matches("^137\\*{4}[0-9]{4}$", choice.GetProperty("otherPhone").GetString());
        Assert.Equal(3, (await RealNameKit.StatusAsync(first.Client)).GetProperty("accountClass").GetInt32());
    }

    [Fact]
    public async Task ACC2_downgrade_gives_this_wallet_class_three_and_the_other_class_two_with_a_class_two_allowance()
    {
        var (first, second) = await TwoClassThreeCandidatesAsync();
        var response = await ChooseAsync(second.Client, Choice(second.UserId, "downgrade"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var mine = await RealNameKit.StatusAsync(second.Client);
        Assert.Equal(3, mine.GetProperty("accountClass").GetInt32());
        Assert.Equal(JsonValueKind.Null, mine.GetProperty("classThreeChoice").ValueKind);
        var theirs = await RealNameKit.StatusAsync(first.Client);
        Assert.Equal(2, theirs.GetProperty("accountClass").GetInt32());
        Assert.Equal(10_000_000, Assert.Single(theirs.GetProperty("limits").EnumerateArray()).GetProperty("remainingFen").GetInt64());
        await using var db = Server.Database.Options.CreateContext();
        var secondUser = await db.Set<UserRow>().AsNoTracking().SingleAsync(u => u.Id == second.UserId, Ct);
        var holder = await db.Set<ClassThreeHolderRow>().SingleAsync(h => h.IdNumberIndex == secondUser.IdNumberIndex, Ct);
        Assert.Equal(second.UserId, holder.UserId);
    }

    [Fact]
    public async Task ACC2_merge_moves_the_other_wallets_whole_balance_through_the_ledger_closes_it_and_verify_holds()
    {
        var (first, second) = await TwoClassThreeCandidatesAsync(faceToFace: true);
        var (firstWallet, firstConsumption) = await AccountsOfAsync(first.UserId);
        var (secondWallet, secondConsumption) = await AccountsOfAsync(second.UserId);
        await FundAsync(firstWallet, 30_000);
        await FundAsync(firstConsumption, 5_000); // credit-card money stays consumption-only after the merge (CARD-3)
        var ledger = Server.Services.GetRequiredService<ILedger>();

        var response = await ChooseAsync(second.Client, Choice(second.UserId, "merge"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        Assert.Equal(0, ledger.GetAccount(firstWallet)!.Value.AvailableCreditBalance);
        Assert.Equal(0, ledger.GetAccount(firstConsumption)!.Value.AvailableCreditBalance);
        Assert.Equal(30_000, ledger.GetAccount(secondWallet)!.Value.AvailableCreditBalance);
        Assert.Equal(5_000, ledger.GetAccount(secondConsumption)!.Value.AvailableCreditBalance);
        Assert.Equal(3, (await RealNameKit.StatusAsync(second.Client)).GetProperty("accountClass").GetInt32());
        await using (var db = Server.Database.Options.CreateContext())
        {
            var closed = await db.Set<UserRow>().AsNoTracking().SingleAsync(u => u.Id == first.UserId, Ct);
            Assert.Equal(9, closed.Status);
            var merge = await db.Set<WalletMergeRow>().AsNoTracking().SingleAsync(m => m.FromUserId == first.UserId, Ct);
            Assert.Equal((second.UserId, 30_000L, 5_000L), (merge.ToUserId, merge.WalletFen, merge.ConsumptionFen));
            Assert.NotNull(merge.CompletedAt);
            Assert.Equal(2, await db.LedgerTransfers.CountAsync(t => t.BusinessId == merge.Id && t.Result == 0, Ct));
        }
        // The closed wallet's sessions end with it.
        await OperatorApiTests.AssertProblemAsync(await first.Client.GetAsync("/api/wallet/me/real-name", Ct), 401, "SIGN_IN_REQUIRED");
        var report = await Server.VerifyAsync();
        Assert.True(report.AllHold, string.Join("; ", report.Checks.Where(c => !c.Holds).Select(c => c.Name + ": " + c.Detail)));
    }

    [Fact]
    public async Task ACC2_with_three_wallets_of_one_ID_number_a_choice_made_stale_by_another_is_offered_again_never_two_class_three()
    {
        var holder = TestHolder.New();
        var first = await RealNameKit.VerifiedWalletAsync(Server, holder, FiveBanks);
        async Task<(HttpClient Client, Guid UserId)> AnotherAsync()
        {
            var again = holder with { Phone = TestHolder.NewPhone() };
            var wallet = await RealNameKit.VerifiedWalletAsync(Server, again, FiveBanks); // capped at Class Ⅱ
            await RealNameKit.SetPaymentPasswordAsync(Server, wallet.Client, again.Phone);
            return wallet;
        }
        var (second, third) = (await AnotherAsync(), await AnotherAsync());
        var idIndex = await IdIndexAsync(second.UserId);
        Assert.Equal(first.UserId, (await RealNameKit.StatusAsync(third.Client)).GetProperty("classThreeChoice").GetProperty("otherUserId").GetGuid());

        // the second wallet takes Class Ⅲ from the first
        Assert.Equal(HttpStatusCode.OK, (await ChooseAsync(second.Client, Choice(second.UserId, "downgrade"))).StatusCode);
        Assert.Equal([second.UserId], await ClassThreeWalletsAsync(idIndex));

        // the third's choice still names the first: acting on it would leave the second Class Ⅲ as well — offered again instead
        await OperatorApiTests.AssertProblemAsync(await ChooseAsync(third.Client, Choice(third.UserId, "downgrade")), 409,
            "CLASS_THREE_CHOICE_CHANGED");
        Assert.Equal([second.UserId], await ClassThreeWalletsAsync(idIndex));
        var offered = (await RealNameKit.StatusAsync(third.Client)).GetProperty("classThreeChoice");
        Assert.Equal(second.UserId, offered.GetProperty("otherUserId").GetGuid());

        Assert.Equal(HttpStatusCode.OK, (await ChooseAsync(third.Client, Choice(third.UserId, "downgrade"))).StatusCode);
        Assert.Equal([third.UserId], await ClassThreeWalletsAsync(idIndex));
        Assert.Equal(2, (await RealNameKit.StatusAsync(second.Client)).GetProperty("accountClass").GetInt32());
        Assert.Equal(2, (await RealNameKit.StatusAsync(first.Client)).GetProperty("accountClass").GetInt32());
    }

    [Fact]
    public async Task ACC6_a_wallet_frozen_by_an_operator_is_not_emptied_by_a_merge_and_a_downgrade_is_still_possible()
    {
        var (first, second) = await TwoClassThreeCandidatesAsync();
        var (firstWallet, _) = await AccountsOfAsync(first.UserId);
        await FundAsync(firstWallet, 30_000);
        using (var risk = await RealNameKit.OperatorAsync(Server, "risk"))
        {
            (await risk.PostAsJsonAsync($"/api/ops/accounts/{first.UserId}/freeze", new { reason = "司法冻结 court order" }, Ct))
                .EnsureSuccessStatusCode();
        }
        var ledger = Server.Services.GetRequiredService<ILedger>();

        await OperatorApiTests.AssertProblemAsync(await ChooseAsync(second.Client, Choice(second.UserId, "merge")), 409,
            "REAL_NAME_MERGE_RESTRICTED");
        Assert.Equal(30_000, ledger.GetAccount(firstWallet)!.Value.AvailableCreditBalance);
        await using (var db = Server.Database.Options.CreateContext())
        {
            Assert.NotEqual(9, (await db.Set<UserRow>().AsNoTracking().SingleAsync(u => u.Id == first.UserId, Ct)).Status);
            Assert.False(await db.Set<WalletMergeRow>().AnyAsync(m => m.FromUserId == first.UserId, Ct));
        }
        // the choice stays open; a downgrade moves no money and is allowed
        Assert.Equal(HttpStatusCode.OK, (await ChooseAsync(second.Client, Choice(second.UserId, "downgrade"))).StatusCode);
        Assert.Equal(30_000, ledger.GetAccount(firstWallet)!.Value.AvailableCreditBalance);
        Assert.True((await Server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task ACC2_money_arriving_while_the_other_wallet_is_merged_follows_it_or_is_refused_never_left_behind()
    {
        var (first, second) = await TwoClassThreeCandidatesAsync(faceToFace: true);
        var (firstWallet, _) = await AccountsOfAsync(first.UserId);
        var (secondWallet, _) = await AccountsOfAsync(second.UserId);
        await FundAsync(firstWallet, 30_000);
        var ledger = Server.Services.GetRequiredService<ILedger>();
        var adjustments = Server.Services.GetRequiredService<Adjustments>();
        var custody = Server.Services.GetRequiredService<InstitutionChart>()[InstitutionChart.Custody("ICBC")];

        // 1 fen at a time into the wallet being merged (a transfer or refund already past its checks) until the merge answers.
        var merging = ChooseAsync(second.Client, Choice(second.UserId, "merge"));
        var credited = 0L;
        while (!merging.IsCompleted)
        {
            var result = await adjustments.PostAsync(Guid.CreateVersion7(), "test-funding", "arriving", custody, firstWallet, 1, "test", Ct);
            if (result == TransferResult.Ok)
            {
                credited++;
            }
            else
            {
                Assert.Equal(TransferResult.CreditAccountAlreadyClosed, result);
            }
        }
        Assert.Equal(HttpStatusCode.OK, (await merging).StatusCode);

        var left = ledger.GetAccount(firstWallet)!.Value;
        Assert.Equal(0, left.PostedCreditBalance); // nothing left behind in the closed wallet (the old merge left what came late)
        Assert.True(left.Flags.HasFlag(AccountFlags.Closed));
        Assert.Equal(30_000 + credited, ledger.GetAccount(secondWallet)!.Value.AvailableCreditBalance);
        await using (var db = Server.Database.Options.CreateContext())
        {
            var merge = await db.Set<WalletMergeRow>().AsNoTracking().SingleAsync(m => m.FromUserId == first.UserId, Ct);
            Assert.Equal(30_000 + credited, merge.WalletFen);
        }
        Assert.Equal(TransferResult.CreditAccountAlreadyClosed,
            await adjustments.PostAsync(Guid.CreateVersion7(), "test-funding", "late", custody, firstWallet, 1, "test", Ct));
        var report = await Server.VerifyAsync();
        Assert.True(report.AllHold, string.Join("; ", report.Checks.Where(c => !c.Holds).Select(c => c.Name + ": " + c.Detail)));
    }

    [Fact]
    public async Task ACC2_money_on_hold_in_the_merged_wallet_follows_the_merge_when_given_back_and_the_wallet_then_closes()
    {
        var (first, second) = await TwoClassThreeCandidatesAsync(faceToFace: true);
        var (firstWallet, _) = await AccountsOfAsync(first.UserId);
        var (secondWallet, _) = await AccountsOfAsync(second.UserId);
        var firstPhone = await PhoneOfAsync(first.UserId);
        await RealNameKit.SetPaymentPasswordAsync(Server, first.Client, firstPhone);
        await FundAsync(firstWallet, 30_000);
        // Two delayed transfers (TRF-2) from the wallet about to be merged: their money is on hold there during the merge.
        var payee = TestHolder.New();
        var (_, payeeId) = await RealNameKit.VerifiedWalletAsync(Server, payee, FiveBanks);
        var back = await DelayedTransferAsync(first.Client, payee.Phone, 7_000);
        var arriving = await DelayedTransferAsync(first.Client, payee.Phone, 3_000);
        var ledger = Server.Services.GetRequiredService<ILedger>();
        var merges = Server.Services.GetRequiredService<WalletMerges>();

        Assert.Equal(HttpStatusCode.OK, (await ChooseAsync(second.Client, Choice(second.UserId, "merge"))).StatusCode);
        Assert.Equal(20_000, ledger.GetAccount(secondWallet)!.Value.AvailableCreditBalance);
        Assert.False(ledger.GetAccount(firstWallet)!.Value.Flags.HasFlag(AccountFlags.Closed)); // holds still to settle there
        var closingHolds = await ClosingTransfersAsync(first.UserId);
        Assert.Equal(0, await merges.FinishLeftOpenAsync(Ct)); // nothing given back yet: still open, nothing moved
        Assert.Equal(closingHolds, await ClosingTransfersAsync(first.UserId)); // and no closing hold tried in vain each round

        // One hold gives its money back (a revocation; likewise a review rejected): it lands in the merged wallet.
        var transfers = Server.Services.GetRequiredService<WalletTransfers>();
        Assert.Null((await transfers.RevokeAsync(first.UserId, back)).Problem);
        Assert.Equal(7_000, ledger.GetAccount(firstWallet)!.Value.AvailableCreditBalance);
        Assert.Equal(0, await merges.FinishLeftOpenAsync(Ct)); // moved on, but the other hold keeps the accounts open
        Assert.Equal(0, ledger.GetAccount(firstWallet)!.Value.AvailableCreditBalance);
        Assert.Equal(27_000, ledger.GetAccount(secondWallet)!.Value.AvailableCreditBalance);
        Assert.Contains(await Server.Services.GetRequiredService<SmsOutbox>().ReadAsync(firstPhone, 5, Ct),
            t => t.Body.Contains("¥70.00", StringComparison.Ordinal) && t.Body.Contains("已转入合并后的钱包", StringComparison.Ordinal));

        // The other arrives (posted): nothing left on hold, so the next round closes the merged wallet in the ledger for good.
        Assert.True(await transfers.ReleaseOneAsync((await transfers.FindAsync(arriving))!));
        Assert.Equal(1, await merges.FinishLeftOpenAsync(Ct));
        var left = ledger.GetAccount(firstWallet)!.Value;
        Assert.True(left.Flags.HasFlag(AccountFlags.Closed));
        Assert.Equal(0, left.PostedCreditBalance);
        Assert.Equal(27_000, ledger.GetAccount(secondWallet)!.Value.AvailableCreditBalance);
        Assert.Equal(3_000, ledger.GetAccount((await AccountsOfAsync(payeeId)).Wallet)!.Value.AvailableCreditBalance);
        await using (var db = Server.Database.Options.CreateContext())
        {
            var merge = await db.Set<WalletMergeRow>().AsNoTracking().SingleAsync(m => m.FromUserId == first.UserId, Ct);
            Assert.Equal(27_000, merge.WalletFen); // 20,000 at the merge + 7,000 given back
            Assert.NotNull(merge.LedgerClosedAt);
        }
        Assert.Equal(0, await merges.FinishLeftOpenAsync(Ct));
        var report = await Server.VerifyAsync();
        Assert.True(report.AllHold, string.Join("; ", report.Checks.Where(c => !c.Holds).Select(c => c.Name + ": " + c.Detail)));
    }

    [Fact]
    public async Task ACC2_keeping_the_other_wallet_as_class_three_leaves_this_one_class_two_and_ends_the_choice()
    {
        var (first, second) = await TwoClassThreeCandidatesAsync();
        var response = await ChooseAsync(second.Client, Choice(first.UserId, "downgrade"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var mine = await RealNameKit.StatusAsync(second.Client);
        Assert.Equal(2, mine.GetProperty("accountClass").GetInt32());
        Assert.Equal(JsonValueKind.Null, mine.GetProperty("classThreeChoice").ValueKind);
        Assert.Equal(3, (await RealNameKit.StatusAsync(first.Client)).GetProperty("accountClass").GetInt32());
    }

    [Fact]
    public async Task ACC2_the_choice_needs_the_payment_password_and_refuses_bad_input_without_changing_anything()
    {
        var (first, second) = await TwoClassThreeCandidatesAsync();
        var stranger = Guid.CreateVersion7();
        var cases = new (object Body, int Status, string Code)[]
        {
            (new { keepUserId = second.UserId, action = "downgrade", paymentPassword = "147147" }, 401, "BAD_PAYMENT_PASSWORD"),
            (new { keepUserId = second.UserId, action = "downgrade" }, 401, "BAD_PAYMENT_PASSWORD"),
            (Choice(stranger, "downgrade"), 404, "CLASS_THREE_CHOICE_ACCOUNT_NOT_FOUND"),
            (Choice(first.UserId, "merge"), 400, "INVALID_CLASS_THREE_CHOICE"),
            (Choice(second.UserId, "delete"), 400, "INVALID_CLASS_THREE_CHOICE"),
            (new { action = "merge", paymentPassword = RealNameKit.PaymentPassword }, 400, "INVALID_CLASS_THREE_CHOICE"),
        };
        foreach (var (body, status, code) in cases)
        {
            await OperatorApiTests.AssertProblemAsync(await ChooseAsync(second.Client, body), status, code);
        }
        const string url = "/api/wallet/me/real-name/class-three-choice";
        foreach (var body in new[] { "{\"keepUserId\": \"nope\"}", "{\"action\": 7}", "{\"keepUserId\": " })
        {
            await OperatorApiTests.AssertProblemAsync(await second.Client.PostAsync(url, RealNameKit.Json(body), Ct), 400, "INVALID_REQUEST");
        }
        await OperatorApiTests.AssertProblemAsync(await second.Client.PostAsync(url,
            RealNameKit.Json("{\"action\":\"" + new string('m', 70_000) + "\"}"), Ct), 413, "PAYLOAD_TOO_LARGE");
        // The wallet that holds Class Ⅲ has nothing to choose.
        await OperatorApiTests.AssertProblemAsync(await ChooseAsync(first.Client, Choice(first.UserId, "downgrade")), 409,
            "NO_CLASS_THREE_CHOICE_PENDING");

        Assert.Equal(2, (await RealNameKit.StatusAsync(second.Client)).GetProperty("accountClass").GetInt32());
        Assert.Equal(3, (await RealNameKit.StatusAsync(first.Client)).GetProperty("accountClass").GetInt32());
        await using var db = Server.Database.Options.CreateContext();
        Assert.False(await db.Set<WalletMergeRow>().AnyAsync(m => m.FromUserId == first.UserId, Ct));
    }

    /// <summary>One holder with two wallets (two phones) that both qualify for Class Ⅲ; the second one asked is capped.</summary>
    private async Task<((HttpClient Client, Guid UserId) First, (HttpClient Client, Guid UserId) Second)> TwoClassThreeCandidatesAsync(
        bool faceToFace = false)
    {
        var holder = TestHolder.New();
        var first = await RealNameKit.VerifiedWalletAsync(Server, holder, FiveBanks);
        var again = holder with { Phone = TestHolder.NewPhone() };
        (HttpClient Client, Guid UserId) second;
        if (faceToFace)
        {
            second = await RealNameKit.OpenWalletAsync(Server, again);
            await OperatorApiTests.AssertProblemAsync(await RealNameKit.VerifyAsync(second.Client, again), 422, "IDENTITY_DOUBTFUL");
            using var ops = await RealNameKit.OperatorAsync(Server, "ops");
            Assert.Equal(HttpStatusCode.OK, (await RealNameKit.FaceToFaceAsync(ops, second.UserId, again)).StatusCode);
        }
        else
        {
            second = await RealNameKit.VerifiedWalletAsync(Server, again, FiveBanks);
        }
        await RealNameKit.SetPaymentPasswordAsync(Server, second.Client, again.Phone);
        return (first, second);
    }

    private async Task<byte[]> IdIndexAsync(Guid userId)
    {
        await using var db = Server.Database.Options.CreateContext();
        return (await db.Set<UserRow>().AsNoTracking().SingleAsync(u => u.Id == userId, Ct)).IdNumberIndex!;
    }

    /// <summary>The wallets of one ID number that are Class Ⅲ now (ACC-2: at most one).</summary>
    private async Task<List<Guid>> ClassThreeWalletsAsync(byte[] idIndex)
    {
        await using var db = Server.Database.Options.CreateContext();
        return await db.Set<UserRow>().AsNoTracking().Where(u => u.IdNumberIndex == idIndex && u.AccountClass == 3).Select(u => u.Id)
            .ToListAsync(Ct);
    }

    private async Task<(Guid Wallet, Guid Consumption)> AccountsOfAsync(Guid userId)
    {
        await using var db = Server.Database.Options.CreateContext();
        var user = await db.Set<UserRow>().AsNoTracking().SingleAsync(u => u.Id == userId, Ct);
        return (user.WalletAccountId, user.ConsumptionAccountId);
    }

    private async Task<int> ClosingTransfersAsync(Guid userId)
    {
        await using var db = Server.Database.Options.CreateContext();
        return await db.LedgerTransfers.CountAsync(t => t.BusinessId == userId && t.Code == LifecycleTransferCodes.AccountClosure, Ct);
    }

    private async Task<string> PhoneOfAsync(Guid userId)
    {
        await using var db = Server.Database.Options.CreateContext();
        var user = await db.Set<UserRow>().AsNoTracking().SingleAsync(u => u.Id == userId, Ct);
        return Server.Services.GetRequiredService<PersonalData>().Unprotect(user.PhoneCipher, PersonalData.Phone);
    }

    private static async Task<Guid> DelayedTransferAsync(HttpClient payer, string payeePhone, long fen)
    {
        var response = await payer.PostAsJsonAsync("/api/wallet/me/transfers", new
        {
            requestId = Guid.NewGuid().ToString("N"), payeePhone, amountFen = fen, arrival = "24h",
            paymentPassword = RealNameKit.PaymentPassword,
        }, Ct);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
        var sent = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("pending", sent.GetProperty("status").GetString());
        return sent.GetProperty("id").GetGuid();
    }

    private async Task FundAsync(Guid account, long fen)
    {
        var chart = Server.Services.GetRequiredService<InstitutionChart>();
        var adjustments = Server.Services.GetRequiredService<Adjustments>();
        var result = await adjustments.PostAsync(Guid.CreateVersion7(), "test-funding", "ACC-2 merge test",
            chart[InstitutionChart.Custody("ICBC")], account, fen, "test", Ct);
        Assert.True(result.IsSuccess(), result.ToString());
    }

    private static object Choice(Guid keepUserId, string action) =>
        new { keepUserId, action, paymentPassword = RealNameKit.PaymentPassword };

    private static Task<HttpResponseMessage> ChooseAsync(HttpClient client, object body) =>
        client.PostAsJsonAsync("/api/wallet/me/real-name/class-three-choice", body, Ct);
}
