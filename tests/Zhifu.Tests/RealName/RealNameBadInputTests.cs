using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Data.Entities;
using Zhifu.Server.Lifecycle;
using Zhifu.Tests.Hosting;

namespace Zhifu.Tests.RealName;

/// <summary>Bad input on the real-name routes gets a stable code and writes nothing (ACC-2, ACC-3, ACC-5).</summary>
public sealed class RealNameBadInputTests(RealNameServerFixture fixture) : IClassFixture<RealNameServerFixture>
{
    private const string Url = "/api/wallet/me/real-name";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ACC2_missing_malformed_or_oversized_input_is_refused_with_a_stable_code_and_nothing_is_written()
    {
        var server = fixture.Server;
        var holder = TestHolder.New();
        var (client, userId) = await RealNameKit.OpenWalletAsync(server, holder);
        using var anonymous = server.Client();
        var cases = new (string Body, int Status, string Code)[]
        {
            ("{}", 400, "INVALID_NAME"),
            ($"{{\"name\":\"{holder.Name}\"}}", 400, "INVALID_ID_NUMBER"),
            ($"{{\"idNumber\":\"{holder.IdNumber}\"}}", 400, "INVALID_NAME"),
            ($"{{\"name\":\"{holder.Name}\",\"idNumber\":\"{holder.IdNumber[..^1]}{(holder.IdNumber[^1] == '1' ? '2' : '1')}\"}}", 400,
                "INVALID_ID_NUMBER"),
            ($"{{\"name\":\"{new string('张', 65)}\",\"idNumber\":\"{holder.IdNumber}\"}}", 400, "INVALID_NAME"),
            ($"{{\"name\":\"张三\",\"idNumber\":\"{new string('1', 2_000)}\"}}", 400, "INVALID_ID_NUMBER"),
            ("{\"name\": 5, \"idNumber\": []}", 400, "INVALID_REQUEST"),
            ("{\"name\": ", 400, "INVALID_REQUEST"),
            ("null", 400, "INVALID_REQUEST"),
            ("{\"name\":\"" + new string('张', 70_000) + "\"}", 413, "PAYLOAD_TOO_LARGE"),
        };
        foreach (var (body, status, code) in cases)
        {
            await OperatorApiTests.AssertProblemAsync(await client.PostAsync(Url, RealNameKit.Json(body), Ct), status, code);
        }
        await OperatorApiTests.AssertProblemAsync(await anonymous.PostAsync(Url, RealNameKit.Json("{}"), Ct), 401, "SIGN_IN_REQUIRED");
        await OperatorApiTests.AssertProblemAsync(await anonymous.GetAsync(Url, Ct), 401, "SIGN_IN_REQUIRED");

        await using var db = server.Database.Options.CreateContext();
        var user = await db.Set<UserRow>().AsNoTracking().SingleAsync(u => u.Id == userId, Ct);
        Assert.Null(user.NameCipher);
        Assert.Null(user.IdNumberIndex);
        Assert.False(await db.Set<RealNameAttemptRow>().AnyAsync(a => a.UserId == userId, Ct));
        Assert.False(await db.Set<RealNameRecordRow>().AnyAsync(r => r.UserId == userId, Ct));
    }

    [Fact]
    public async Task ACC3_a_wallet_may_ask_only_a_few_times_a_day_so_it_cannot_probe_other_peoples_ID_numbers()
    {
        var server = fixture.Server;
        var holder = TestHolder.New();
        var (client, _) = await RealNameKit.OpenWalletAsync(server, holder);
        for (var i = 0; i < 5; i++)
        {
            await OperatorApiTests.AssertProblemAsync(await RealNameKit.VerifyAsync(client, TestHolder.New()), 422, "IDENTITY_DOUBTFUL");
        }
        await holder.KnownAtAsync(RealNameKit.BankAddress(server), "ICBC");
        await OperatorApiTests.AssertProblemAsync(await RealNameKit.VerifyAsync(client, holder), 429, "REAL_NAME_TOO_MANY_ATTEMPTS");
    }

    [Fact]
    public async Task ACC3_attempts_sent_at_once_get_no_more_asks_of_the_sources_than_one_after_another()
    {
        var server = fixture.Server;
        var (client, userId) = await RealNameKit.OpenWalletAsync(server, TestHolder.New());

        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => RealNameKit.VerifyAsync(client, TestHolder.New())));

        var codes = new List<string>();
        foreach (var answer in answers)
        {
            codes.Add((await answer.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString()!);
        }
        // an attempt that asked is doubtful, or unavailable when no source answered within Bank:TimeoutMs (400 ms here: a loaded
        // machine's simulator can miss it) — either way it asked and counts
        string[] askedCodes = ["IDENTITY_DOUBTFUL", "REAL_NAME_SOURCES_UNAVAILABLE"];
        Assert.All(codes, c => Assert.Contains(c, askedCodes.Append("REAL_NAME_TOO_MANY_ATTEMPTS")));
        var asked = codes.Count(askedCodes.Contains);
        Assert.InRange(asked, 0, 5); // five a day, however many arrive at once (the count-then-ask let all twelve ask)
        await using var db = server.Database.Options.CreateContext();
        Assert.Equal(asked, await db.Set<RealNameAttemptRow>().CountAsync(a => a.UserId == userId, Ct));
    }

    [Fact]
    public async Task ACC5_an_ID_number_barred_from_new_accounts_is_refused_before_any_source_is_asked()
    {
        var server = fixture.Server;
        var holder = TestHolder.New();
        await holder.KnownAtAsync(RealNameKit.BankAddress(server), "ICBC", "CCB", "ABC");
        var (client, userId) = await RealNameKit.OpenWalletAsync(server, holder);
        var listed = await server.Services.GetRequiredService<InvolvedAccountList>().AddAsync(
            new Listing(InvolvedCategories.FalseIdentity, null, null, holder.IdNumber, null, "false identity", "police", null),
            "risk", Ct);
        Assert.Null(listed.Error);

        await OperatorApiTests.AssertProblemAsync(await RealNameKit.VerifyAsync(client, holder), 403, "OPENING_REFUSED_INVOLVED");
        Assert.Equal(0, (await RealNameKit.StatusAsync(client)).GetProperty("accountClass").GetInt32());
        await using var db = server.Database.Options.CreateContext();
        Assert.False(await db.Set<RealNameAttemptRow>().AnyAsync(a => a.UserId == userId, Ct));
    }
}
