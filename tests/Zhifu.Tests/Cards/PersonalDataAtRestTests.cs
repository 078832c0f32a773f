using System.Net;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using Zhifu.Core.Banking;
using Zhifu.Tests.Infrastructure;
using Zhifu.Tests.RealName;

namespace Zhifu.Tests.Cards;

/// <summary>ACC-8: real-name data and card numbers are only ever at rest as ciphertext (database file, WAL and logs).</summary>
public sealed class PersonalDataAtRestTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ACC8_no_card_number_ID_number_name_or_phone_of_verified_holders_is_stored_or_logged_in_plaintext()
    {
        Assert.SkipWhen(TestDatabase.PostgresServer is not null, "scans the SQLite file; the PostgreSQL run covers the rest");
        var secrets = new List<string>();
        await using (var server = await ZhifuTestServer.StartAsync(null, RealNameKit.ServerArgs))
        {
            var bank = RealNameKit.BankAddress(server);
            foreach (var banks in new[] { new[] { "ICBC" }, ["ICBC", "CCB", "ABC", "BOC", "CMB"] })
            {
                var holder = TestHolder.New();
                var debit = await holder.OpenCardAsync(bank, banks[0]);
                var credit = await holder.OpenCardAsync(bank, "CMB", BankCardType.Credit);
                await holder.KnownAtAsync(bank, banks);
                var (client, _) = await RealNameKit.VerifiedWalletAsync(server, holder);
                foreach (var (code, number) in new[] { (banks[0], debit), ("CMB", credit) })
                {
                    var otp = await RealNameKit.CodeAsync(server, client, holder.Phone, "bind-card");
                    var response = await client.PostAsJsonAsync("/api/wallet/me/cards", new { bank = code, cardNumber = number, otp }, Ct);
                    Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                }
                var shown = await client.GetStringAsync("/api/wallet/me/real-name", Ct);
                Assert.DoesNotContain(holder.IdNumber, shown, StringComparison.Ordinal);
                Assert.DoesNotContain(debit, await client.GetStringAsync("/api/wallet/me/cards", Ct), StringComparison.Ordinal);
                secrets.AddRange([holder.Name, holder.IdNumber, holder.Phone, debit, credit]);
            }
            secrets.AddRange(DemoCards.People.SelectMany(p => p.Cards.Select(c => c.CardNumber).Append(p.IdNumber).Append(p.Name)));
            SqliteConnection.ClearAllPools();
            var files = Directory.EnumerateFiles(server.Database.Directory, "*", SearchOption.AllDirectories)
                .Where(f => !f.Contains("bank", StringComparison.Ordinal)); // the simulator plays the banks, which do know their customers
            var haystack = string.Join("\n", files.Select(f => System.Text.Encoding.UTF8.GetString(ReadShared(f))));
            Assert.Contains("SQLite format 3", haystack, StringComparison.Ordinal); // the database itself was read
            foreach (var secret in secrets)
            {
                Assert.DoesNotContain(secret, haystack, StringComparison.Ordinal);
            }
        }
    }

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }
}
