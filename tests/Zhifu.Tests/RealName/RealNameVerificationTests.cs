using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Zhifu.Data.Entities;
using Zhifu.Tests.Bank;
using Zhifu.Tests.Hosting;

namespace Zhifu.Tests.RealName;

/// <summary>Real-name verification against external sources and the class table (ACC-2), refusals of doubtful identities (ACC-3).</summary>
public sealed class RealNameVerificationTests(RealNameServerFixture fixture) : IClassFixture<RealNameServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ACC2_the_class_follows_how_many_sources_confirm_the_holder_one_three_or_five()
    {
        var server = fixture.Server;
        var expected = new[]
        {
            (Banks: new[] { "ICBC" }, Class: 1), (["ICBC", "CCB", "CMB"], 2), (["ICBC", "CCB", "ABC", "BOC", "CMB"], 3),
        };
        foreach (var (banks, accountClass) in expected)
        {
            var holder = TestHolder.New();
            var (client, _) = await RealNameKit.VerifiedWalletAsync(server, holder, banks);
            var status = await RealNameKit.StatusAsync(client);
            Assert.True(status.GetProperty("verified").GetBoolean());
            Assert.Equal(accountClass, status.GetProperty("accountClass").GetInt32());
            Assert.Equal(banks.Length, status.GetProperty("verifiedSources").GetInt32());
            Assert.Equal(banks.Order(), status.GetProperty("matchedSources").EnumerateArray().Select(s => s.GetString()).Order());
            // ACC-8: the identity is shown masked only.
            Assert.Equal(holder.Name[0] + new string('*', holder.Name.Length - 1), status.GetProperty("name").GetString());
            Assert.Equal($"{holder.IdNumber[0]}****************{holder.IdNumber[^1]}", status.GetProperty("idNumber").GetString());
            Assert.Equal(accountClass, status.GetProperty("allows").GetProperty("accountClass").GetInt32());
            Assert.Equal(4, status.GetProperty("classes").GetArrayLength());
            Assert.Equal(accountClass == 3, status.GetProperty("allows").GetProperty("balanceUses").EnumerateArray()
                .Any(u => u.GetString() == "investment"));
        }
    }

    [Fact]
    public async Task ACC2_the_limits_in_force_are_shown_with_what_is_left_and_when_they_reset()
    {
        var (classOne, _) = await RealNameKit.VerifiedWalletAsync(fixture.Server, TestHolder.New(), "BOC");
        var limits = (await RealNameKit.StatusAsync(classOne)).GetProperty("limits").EnumerateArray().ToList();
        var since = Assert.Single(limits);
        Assert.Equal("class-one-since-opening", since.GetProperty("limit").GetString());
        Assert.Equal(100_000, since.GetProperty("remainingFen").GetInt64());
        Assert.Equal(JsonValueKind.Null, since.GetProperty("resetsAt").ValueKind);

        var (classTwo, _) = await RealNameKit.VerifiedWalletAsync(fixture.Server, TestHolder.New(), "BOC", "ABC", "CCB");
        var year = Assert.Single((await RealNameKit.StatusAsync(classTwo)).GetProperty("limits").EnumerateArray());
        Assert.Equal("class-two-year", year.GetProperty("limit").GetString());
        Assert.Equal(10_000_000, year.GetProperty("limitFen").GetInt64());
        Assert.EndsWith("-01-01 00:00:00", year.GetProperty("resetsAt").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACC3_when_no_source_confirms_the_identity_it_is_refused_as_doubtful_and_the_wallet_stays_unverified()
    {
        var server = fixture.Server;
        var stranger = TestHolder.New(); // no bank knows this person
        var (client, userId) = await RealNameKit.OpenWalletAsync(server, stranger);

        await OperatorApiTests.AssertProblemAsync(await RealNameKit.VerifyAsync(client, stranger), 422, "IDENTITY_DOUBTFUL");

        var status = await RealNameKit.StatusAsync(client);
        Assert.False(status.GetProperty("verified").GetBoolean());
        Assert.Equal(0, status.GetProperty("accountClass").GetInt32());
        Assert.Empty(status.GetProperty("limits").EnumerateArray());
        Assert.Equal(stranger.Name[0] + new string('*', stranger.Name.Length - 1), status.GetProperty("name").GetString()); // as submitted
        await using var db = server.Database.Options.CreateContext();
        // The wallet's identity is only ever a verified one: the doubtful claim stays in the real-name record.
        var user = await db.Set<UserRow>().AsNoTracking().SingleAsync(u => u.Id == userId, Ct);
        Assert.Equal((null, null), (user.NameCipher, user.IdNumberIndex));
        Assert.NotNull((await db.Set<RealNameRecordRow>().AsNoTracking().SingleAsync(r => r.UserId == userId, Ct)).IdNumberIndex);
        var attempt = await db.Set<RealNameAttemptRow>().SingleAsync(a => a.UserId == userId, Ct);
        Assert.Equal("doubtful", attempt.Outcome);
        Assert.Equal("ICBC=mismatch;CCB=mismatch;ABC=mismatch;BOC=mismatch;CMB=mismatch", attempt.SourceAnswers);
    }

    [Fact]
    public async Task ACC2_sources_that_did_not_answer_count_as_not_matched_and_are_asked_again_on_a_later_request()
    {
        var server = fixture.Server;
        var holder = TestHolder.New();
        var bankAddress = RealNameKit.BankAddress(server);
        await holder.KnownAtAsync(bankAddress, "ICBC", "CCB");
        var (client, _) = await RealNameKit.OpenWalletAsync(server, holder);
        var bank = new BankAdminClient(new HttpClient(), bankAddress);
        try
        {
            await bank.SetFaultsAsync(new BankAdminClient.Faults(LatencyMs: 1_500), Ct); // every source times out (Bank:TimeoutMs=400)
            await OperatorApiTests.AssertProblemAsync(await RealNameKit.VerifyAsync(client, holder), 503, "REAL_NAME_SOURCES_UNAVAILABLE");
        }
        finally
        {
            await bank.SetFaultsAsync(new BankAdminClient.Faults(), Ct);
        }
        Assert.Equal(0, (await RealNameKit.StatusAsync(client)).GetProperty("accountClass").GetInt32());

        Assert.Equal(HttpStatusCode.OK, (await RealNameKit.VerifyAsync(client, holder)).StatusCode);
        Assert.Equal(1, (await RealNameKit.StatusAsync(client)).GetProperty("accountClass").GetInt32());

        // A bank that did not know the holder before is asked again: a third source lifts the wallet to Class Ⅱ.
        await holder.KnownAtAsync(bankAddress, "ABC");
        Assert.Equal(HttpStatusCode.OK, (await RealNameKit.VerifyAsync(client, holder)).StatusCode);
        var status = await RealNameKit.StatusAsync(client);
        Assert.Equal(2, status.GetProperty("accountClass").GetInt32());
        Assert.Equal(3, status.GetProperty("verifiedSources").GetInt32());
    }

    [Fact]
    public async Task ACC2_a_verified_wallet_cannot_take_another_identity_but_may_verify_its_own_again()
    {
        var server = fixture.Server;
        var holder = TestHolder.New();
        var (client, userId) = await RealNameKit.VerifiedWalletAsync(server, holder, "CMB");
        var other = TestHolder.New() with { Phone = holder.Phone };
        await other.KnownAtAsync(RealNameKit.BankAddress(server), "ICBC");

        await OperatorApiTests.AssertProblemAsync(await RealNameKit.VerifyAsync(client, other), 409, "REAL_NAME_ALREADY_VERIFIED");
        await OperatorApiTests.AssertProblemAsync(await RealNameKit.VerifyAsync(client, holder with { Name = "张冒名" }), 409,
            "REAL_NAME_ALREADY_VERIFIED");
        Assert.Equal(HttpStatusCode.OK, (await RealNameKit.VerifyAsync(client, holder)).StatusCode);
        await using var db = server.Database.Options.CreateContext();
        var user = await db.Set<UserRow>().AsNoTracking().SingleAsync(u => u.Id == userId, Ct);
        Assert.Equal(1, user.AccountClass);
        Assert.Equal(1, user.VerifiedSources);
    }

    [Fact]
    public async Task ACC2_an_unverified_wallet_may_correct_a_mistyped_identity()
    {
        var server = fixture.Server;
        var holder = TestHolder.New();
        await holder.KnownAtAsync(RealNameKit.BankAddress(server), "ICBC", "CCB", "ABC");
        var (client, _) = await RealNameKit.OpenWalletAsync(server, holder);
        var typo = holder with { Name = holder.Name + "乙" };

        await OperatorApiTests.AssertProblemAsync(await RealNameKit.VerifyAsync(client, typo), 422, "IDENTITY_DOUBTFUL");
        Assert.Equal(HttpStatusCode.OK, (await RealNameKit.VerifyAsync(client, holder)).StatusCode);

        var status = await RealNameKit.StatusAsync(client);
        Assert.Equal(2, status.GetProperty("accountClass").GetInt32());
        Assert.Equal(holder.Name[0] + new string('*', holder.Name.Length - 1), status.GetProperty("name").GetString());
    }
}
