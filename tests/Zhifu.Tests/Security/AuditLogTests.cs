using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Data.Entities;
using Zhifu.Server.Security;
using Zhifu.Tests.Infrastructure;

namespace Zhifu.Tests.Security;

/// <summary>SEC-1: the audit log's chain is keyed with a secret outside the database, so rewriting the table is seen.</summary>
public sealed class AuditLogTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SEC1_an_entry_rewritten_in_the_database_with_its_chain_recomputed_breaks_the_chain()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var audit = server.Services.GetRequiredService<AuditLog>();
        await audit.AppendAsync("risk", "risk", "test.one", "t:1", "first");
        await audit.AppendAsync("risk", "risk", "test.two", "t:2", "second");
        await audit.AppendAsync("risk", "risk", "test.three", "t:3", "third");
        var (entries, broken) = await audit.VerifyAsync(Ct);
        Assert.Null(broken);

        await using (var db = server.Database.Options.CreateContext())
        {
            // someone with the database but not the server's secrets: edits an entry and recomputes every hash after it
            var rows = await db.Set<AuditRow>().OrderBy(a => a.Sequence).ToListAsync(Ct);
            var edited = rows.Single(r => r.Details == "second");
            edited.Details = "nothing happened";
            foreach (var row in rows.Where(r => r.Sequence >= edited.Sequence))
            {
                row.PreviousHash = rows.Single(r => r.Sequence == row.Sequence - 1).Hash;
                row.Hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u001f',
                    row.Sequence.ToString(CultureInfo.InvariantCulture), row.At.UtcTicks.ToString(CultureInfo.InvariantCulture), row.Actor,
                    row.Role, row.Action, row.Target, row.Details, row.PreviousHash))));
            }
            await db.SaveChangesAsync(Ct);
            Assert.True(entries >= 3);
            Assert.Equal(edited.Sequence, (await audit.VerifyAsync(Ct)).BrokenAt);
        }
    }
}
