using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Zhifu.Core;
using Zhifu.Core.Banking;
using Zhifu.Server.Risk.Aml;
using Zhifu.Tests.Lifecycle;
using Zhifu.Tests.Transfers;
using static Zhifu.Tests.Hosting.OperatorApiTests;
using static Zhifu.Tests.Lifecycle.LifecycleClient;
using static Zhifu.Tests.Risk.Aml.AmlKit;

namespace Zhifu.Tests.Risk.Aml;

/// <summary>RISK-6 through the Operator API: the file operators download, who may do what (SEC-1, SEC-2), versions, bad input.</summary>
public sealed class AmlReportApiTests
{
    /// <summary>The daily worker waits an hour between rounds, so what these tests count is only what they did.</summary>
    private const string QuietWorker = "--Risk:Aml:WorkerIntervalSeconds=3600";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RISK6_the_downloaded_file_has_a_BOM_bilingual_headers_masked_people_only_its_hash_and_every_download_audited()
    {
        var (server, zhang, day) = await ClosedDayAsync();
        await using var __ = server;
        var report = await GenerateAsync(server, day, "large-value");

        using var audit = await OperatorAsync(server, "audit");
        var response = await audit.GetAsync(report.GetProperty("download").GetString(), Ct);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal($"zhifu-aml-large-value-{day}-v{report.GetProperty("version").GetInt32()}.csv",
            response.Content.Headers.ContentDisposition!.FileName);
        var file = await response.Content.ReadAsByteArrayAsync(Ct);
        var sha = Convert.ToHexStringLower(SHA256.HashData(file));
        Assert.Equal((sha, sha), (report.GetProperty("sha256").GetString(), response.Headers.GetValues("X-Content-SHA256").Single()));
        Assert.Equal(Encoding.UTF8.Preamble.ToArray(), file[..3]); // Excel reads the Chinese right
        var text = Encoding.UTF8.GetString(file[3..]);
        Assert.StartsWith(string.Join(',', AmlReportBuilder.LargeValueHeader) + "\r\n", text, StringComparison.Ordinal);
        Assert.StartsWith("报告日期 Report day,客户号 Customer id,客户类型 Customer type", text, StringComparison.Ordinal);
        foreach (var person in new[] { DemoCards.ZhangSan, DemoCards.LiSi })
        {
            // ACC-8: never a clear name, phone or ID number; the masked forms are there.
            Assert.DoesNotContain(person.Name, text, StringComparison.Ordinal);
            Assert.DoesNotContain(person.Phone, text, StringComparison.Ordinal);
            Assert.DoesNotContain(person.IdNumber, text, StringComparison.Ordinal);
            Assert.Contains(PersonalDataMask.Phone(person.Phone), text, StringComparison.Ordinal);
        }
        var zhangRow = Parse(file).First(r => r["客户号 Customer id"] == Id(zhang));
        Assert.Equal(PersonalDataMask.IdNumber(DemoCards.ZhangSan.IdNumber), zhangRow["证件号码 ID number (masked)"]);

        using var risk = await OperatorAsync(server, "risk");
        Assert.Equal(file, await risk.GetByteArrayAsync(report.GetProperty("download").GetString(), Ct));
        var entries = await AuditAsync(server);
        Assert.Equal([("aml.generate", "risk"), ("aml.download", "audit"), ("aml.download", "risk")],
            entries.Select(e => (e.Action, e.Role)));
        Assert.All(entries, e => Assert.Equal($"aml-report:{report.GetProperty("id").GetGuid()}", e.Target));
        Assert.All(entries, e => Assert.DoesNotContain(DemoCards.ZhangSan.Phone, e.Details, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RISK6_customer_service_and_finance_cannot_list_generate_or_download_and_audit_cannot_generate()
    {
        var (server, _, _, _) = await StartAsync(QuietWorker);
        await using var __ = server;
        var day = Day(server);
        PastMidnight(server, TimeSpan.FromMinutes(61));
        var report = await GenerateAsync(server, day, "suspicious");
        var file = report.GetProperty("download").GetString();
        var body = new { day, kind = "suspicious", reason = "try" };
        foreach (var role in new[] { "service", "finance", "operations" })
        {
            using var other = await OperatorAsync(server, role);
            await AssertProblemAsync(await other.PostAsJsonAsync(Route, body, Ct), 403, "OPS_ROLE_FORBIDDEN");
            await AssertProblemAsync(await other.GetAsync(file, Ct), 403, "OPS_ROLE_FORBIDDEN");
            await AssertProblemAsync(await other.GetAsync(Route, Ct), 403, "OPS_ROLE_FORBIDDEN");
        }
        using var audit = await OperatorAsync(server, "audit");
        await AssertProblemAsync(await audit.PostAsJsonAsync(Route, body, Ct), 403, "OPS_ROLE_FORBIDDEN");
        Assert.True((await audit.GetAsync(file, Ct)).IsSuccessStatusCode);
        using var anonymous = server.Client();
        await AssertProblemAsync(await anonymous.GetAsync(file, Ct), 401, "OPS_SIGN_IN_REQUIRED");
        Assert.Equal(1, await StoredReportsAsync(server));
        Assert.Equal(["aml.generate", "aml.download"], (await AuditAsync(server)).Select(e => e.Action));
    }

    [Fact]
    public async Task RISK6_regenerating_a_day_adds_the_next_version_keeps_the_earlier_and_audits_each()
    {
        var (server, zhang, day) = await ClosedDayAsync();
        await using var __ = server;
        var first = await GenerateAsync(server, day, "large-value");
        var second = await GenerateAsync(server, day, "large-value");

        Assert.Equal(first.GetProperty("version").GetInt32() + 1, second.GetProperty("version").GetInt32());
        Assert.Equal(first.GetProperty("sha256").GetString(), second.GetProperty("sha256").GetString()); // same movements, same file
        using var risk = await OperatorAsync(server, "risk");
        var listed = (await risk.GetFromJsonAsync<JsonElement>($"{Route}?day={day}&kind=large-value&limit=1", Ct));
        var newest = Assert.Single(listed.GetProperty("reports").EnumerateArray());
        Assert.Equal((second.GetProperty("id").GetGuid(), true),
            (newest.GetProperty("id").GetGuid(), newest.GetProperty("current").GetBoolean()));
        Assert.Equal(1, listed.GetProperty("nextOffset").GetInt32());
        var older = (await risk.GetFromJsonAsync<JsonElement>($"{Route}?day={day}&kind=large-value&offset=1", Ct)).GetProperty("reports");
        Assert.Contains(older.EnumerateArray(), r => r.GetProperty("id").GetGuid() == first.GetProperty("id").GetGuid()
            && !r.GetProperty("current").GetBoolean() && r.GetProperty("generatedBy").GetString() == "ops:" + "risk");
        var generated = (await AuditAsync(server)).Where(e => e.Action == "aml.generate").ToList();
        Assert.Equal(2, generated.Count);
        Assert.Contains($"v{second.GetProperty("version").GetInt32()}", generated[1].Details, StringComparison.Ordinal);
        Assert.Contains("reason: RISK-6 test", generated[1].Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RISK6_bad_input_is_refused_with_stable_codes_and_writes_nothing()
    {
        var (server, _, _, _) = await StartAsync(QuietWorker);
        await using var __ = server;
        var today = Day(server);
        using var risk = await OperatorAsync(server, "risk");
        var yesterday = DateOnly.ParseExact(today, "yyyy-MM-dd").AddDays(-1).ToString("yyyy-MM-dd");
        var refusals = new (object Body, string Code)[]
        {
            (new { day = "2026-02-30", reason = "x" }, "AML_INVALID_DAY"),
            (new { day = "yesterday", reason = "x" }, "AML_INVALID_DAY"),
            (new { reason = "x" }, "AML_INVALID_DAY"),
            (new { day = today, reason = "x" }, "AML_DAY_NOT_OVER"),
            (new { day = "2000-01-01", reason = "x" }, "AML_DAY_TOO_OLD"),
            (new { day = yesterday, kind = "cash", reason = "x" }, "AML_INVALID_KIND"),
            (new { day = yesterday, kind = "suspicious" }, "REASON_REQUIRED"),
            (new { day = yesterday, reason = new string('r', 257) }, "REASON_REQUIRED"),
        };
        foreach (var (body, code) in refusals)
        {
            await AssertProblemAsync(await risk.PostAsJsonAsync(Route, body, Ct), 400, code);
        }
        await AssertProblemAsync(await risk.PostAsync(Route, Json("{\"day\":"), Ct), 400, "INVALID_REQUEST");
        await AssertProblemAsync(await risk.GetAsync($"{Route}?limit=0", Ct), 400, "INVALID_LIMIT");
        await AssertProblemAsync(await risk.GetAsync($"{Route}?limit=101", Ct), 400, "INVALID_LIMIT");
        await AssertProblemAsync(await risk.GetAsync($"{Route}?offset=-1", Ct), 400, "INVALID_OFFSET");
        await AssertProblemAsync(await risk.GetAsync($"{Route}?day=20261301", Ct), 400, "AML_INVALID_DAY");
        await AssertProblemAsync(await risk.GetAsync($"{Route}?kind=all", Ct), 400, "AML_INVALID_KIND");
        await AssertProblemAsync(await risk.GetAsync($"{Route}/{Guid.NewGuid()}/file", Ct), 404, "AML_REPORT_NOT_FOUND");
        var english = server.Client("en");
        await OperatorSignInAsync(english);
        var problem = await AssertProblemAsync(await english.PostAsJsonAsync(Route, new { day = today, reason = "x" }, Ct), 400,
            "AML_DAY_NOT_OVER");
        Assert.Equal("Reports are made only for days that are over (China time)", problem.GetProperty("detail").GetString());
        Assert.Equal("只能生成已结束日期（北京时间）的报告", problem.GetProperty("message_zh").GetString());
        Assert.Equal(0, await StoredReportsAsync(server));
        Assert.Empty(await AuditAsync(server));
    }

    /// <summary>张三 sends 李四 ¥100.00, the large-value threshold here, and the day closes: both are in its report.</summary>
    private static async Task<(ClockedServer Server, Party Zhang, string Day)> ClosedDayAsync()
    {
        var (server, zhang, li, _) = await StartAsync("--Regulation:Aml:LargeValueNaturalPersonFen=10000");
        await zhang.SentAsync(li, 10_000);
        var day = Day(server);
        PastMidnight(server, TimeSpan.FromMinutes(61));
        return (server, zhang, day);
    }

    private static Task OperatorSignInAsync(HttpClient client) => Infrastructure.OperatorSignIn.AsAsync(client, "risk");
}
