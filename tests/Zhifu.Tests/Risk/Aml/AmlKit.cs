using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Core.Banking;
using Zhifu.Data.Entities;
using Zhifu.Server.Risk.Aml;
using Zhifu.Tests.Lifecycle;
using Zhifu.Tests.Transfers;
using static Zhifu.Tests.Lifecycle.LifecycleClient;

namespace Zhifu.Tests.Risk.Aml;

/// <summary>Drives the AML report routes (RISK-6) as the operator console would, and reads the files back.</summary>
internal static class AmlKit
{
    public const string Route = "/api/ops/risk/aml/reports";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A clocked server with the given <c>Regulation:Aml</c> settings, moved to 08:00 of the next China day so a
    /// test's movements all fall in one day; the three demo people signed in and funded.</summary>
    public static async Task<(ClockedServer Server, Party Zhang, Party Li, Party Wang)> StartAsync(params string[] settings)
    {
        var server = await TransferKit.StartAsync(settings);
        TransferKit.ToBeforeChinaMidnight(server, TimeSpan.FromHours(-8));
        var people = new List<Party>();
        foreach (var person in new[] { DemoCards.ZhangSan, DemoCards.LiSi, DemoCards.WangWu })
        {
            var party = await Party.SignInAsync(server, person);
            await party.FundAsync(100_000);
            people.Add(party);
        }
        return (server, people[0], people[1], people[2]);
    }

    /// <summary>Today in China as yyyy-MM-dd.</summary>
    public static string Day(ClockedServer server) =>
        DateOnly.FromDateTime(ChinaTime.ToChina(server.Clock.UtcNow).DateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>To <paramref name="after"/> past the next China midnight.</summary>
    public static void PastMidnight(ClockedServer server, TimeSpan after) => TransferKit.ToBeforeChinaMidnight(server, -after);

    /// <summary>A risk operator generates the day's report of a kind; the stored report as the route answers it.</summary>
    public static async Task<JsonElement> GenerateAsync(ClockedServer server, string day, string kind)
    {
        using var risk = await OperatorAsync(server, "risk");
        var response = await risk.PostAsJsonAsync(Route, new { day, kind, reason = "RISK-6 test" }, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True((int)response.StatusCode == 201, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("reports")[0].Clone();
    }

    /// <summary>Closes the test's day (01:01 of the next), generates its report of a kind and returns the file's rows.</summary>
    public static async Task<List<Dictionary<string, string>>> ReportRowsAsync(ClockedServer server, string kind)
    {
        var day = Day(server);
        PastMidnight(server, TimeSpan.FromMinutes(61));
        var report = await GenerateAsync(server, day, kind);
        using var risk = await OperatorAsync(server, "risk");
        var rows = Parse(await risk.GetByteArrayAsync(report.GetProperty("download").GetString(), Ct));
        Assert.Equal(report.GetProperty("rowCount").GetInt32(), rows.Count);
        return rows;
    }

    public static string Id(Party party) => party.UserId.ToString();

    /// <summary>The rows of a report file as column → cell; asserts the byte-order mark and the header of its kind.</summary>
    public static List<Dictionary<string, string>> Parse(byte[] file)
    {
        Assert.Equal(Encoding.UTF8.Preamble.ToArray(), file[..3]);
        var records = Records(Encoding.UTF8.GetString(file[3..]));
        var header = records[0];
        Assert.True(header.SequenceEqual(AmlReportBuilder.LargeValueHeader) || header.SequenceEqual(AmlReportBuilder.SuspiciousHeader),
            string.Join(",", header));
        return [.. records.Skip(1).Select(r => header.Zip(r).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal))];
    }

    /// <summary>RFC 4180 records (quoted cells, doubled quotes, CRLF ends).</summary>
    private static List<List<string>> Records(string text)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                record.Add(cell.ToString());
                cell.Clear();
            }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                record.Add(cell.ToString());
                cell.Clear();
                records.Add(record);
                record = [];
                i++;
            }
            else
            {
                cell.Append(c);
            }
        }
        Assert.Empty(record); // every record ends with CRLF
        return records;
    }

    public static async Task<int> StoredReportsAsync(ClockedServer server)
    {
        await using var db = server.Database.Options.CreateContext();
        return await db.Set<AmlReportRow>().CountAsync(Ct);
    }

    public static async Task<List<AuditRow>> AuditAsync(ClockedServer server)
    {
        await using var db = server.Database.Options.CreateContext();
        return await db.Set<AuditRow>().AsNoTracking().Where(a => a.Action.StartsWith("aml.")).OrderBy(a => a.Sequence).ToListAsync(Ct);
    }
}
