using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Core.Banking;
using Zhifu.Server.Face;
using Zhifu.Tests.Infrastructure;
using static Zhifu.Tests.MerchantApi.MerchantKit;

namespace Zhifu.Tests.Face;

/// <summary>
/// FACE-1 … FACE-3 through the Wallet API: consent first and recorded, the template sealed on the device to the face transport
/// key, stored in the isolated face store and searchable; withdrawal deletes it at once; the main database holds no template
/// and the face store nothing but opaque ids and ciphertext.
/// </summary>
public sealed class FaceEnrolmentTests
{
    [Fact]
    public async Task Consent_then_a_sealed_template_enrols_and_withdrawal_deletes_it_everywhere_at_once()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        using var wallet = await WalletAsync(server.BaseAddress, DemoCards.ZhangSan.Phone);
        var template = FaceVectors.Unit(new Random(3));
        var envelope = await FaceVectors.SealAsync(server.Client(), template);

        var none = await wallet.GetFromJsonAsync<JsonElement>("/api/wallet/face", Ct);
        Assert.Equal("none", none.GetProperty("state").GetString());
        Assert.Contains("支付口令", none.GetProperty("consentText")[1].GetString(), StringComparison.Ordinal); // never the face alone
        Assert.Equal("FACE_CONSENT_REQUIRED", await CodeAsync(await wallet.PostAsJsonAsync("/api/wallet/face/enrol", envelope, Ct)));
        Assert.Equal("FACE_CONSENT_NOT_ACCEPTED", await CodeAsync(await wallet.PostAsJsonAsync("/api/wallet/face/consent",
            new { accept = false, paymentPassword = PaymentPassword }, Ct)));
        Assert.Equal("BAD_PAYMENT_PASSWORD", await CodeAsync(await wallet.PostAsJsonAsync("/api/wallet/face/consent",
            new { accept = true, paymentPassword = "000000" }, Ct)));
        var consented = await wallet.PostAsJsonAsync("/api/wallet/face/consent", new { accept = true, paymentPassword = PaymentPassword }, Ct);
        Assert.True(consented.IsSuccessStatusCode, await consented.Content.ReadAsStringAsync(Ct));

        // a tampered envelope or one for another key is refused and nothing is stored
        var tampered = envelope with { Ciphertext = Convert.ToBase64String(new byte[FaceIndex.Dimensions * 4 + 16]) };
        Assert.Equal("FACE_TEMPLATE_INVALID", await CodeAsync(await wallet.PostAsJsonAsync("/api/wallet/face/enrol", tampered, Ct)));
        Assert.Equal("FACE_TEMPLATE_INVALID", await CodeAsync(await wallet.PostAsJsonAsync("/api/wallet/face/enrol",
            envelope with { KeyId = "FACE_KEY_OTHER" }, Ct)));
        var store = server.Services.GetRequiredService<FaceStore>();
        Assert.Equal(0, await store.CountAsync(Ct));

        var enrolled = await wallet.PostAsJsonAsync("/api/wallet/face/enrol", envelope, Ct);
        Assert.True(enrolled.IsSuccessStatusCode, await enrolled.Content.ReadAsStringAsync(Ct));
        Assert.Equal("enrolled", (await enrolled.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("state").GetString());
        Assert.Equal(1, await store.CountAsync(Ct));
        var index = server.Services.GetRequiredService<FaceIndex>();
        var match = index.Search(template);
        Assert.NotNull(match.Id);
        Assert.True(match.Similarity > 0.95f);

        // FACE-2: the main database holds no template (nor the sealed one); the face store holds no phone or ID
        if (server.Database.Options.SqliteFile is { } mainFile)
        {
            Assert.Empty(await FindAsync(mainFile, FaceIndex.ToBytes(template)[..64]));
            Assert.Empty(await FindAsync(mainFile, Convert.FromBase64String(envelope.Ciphertext!)[..64]));
            Assert.Empty(await FindAsync(store.SqliteFile!, System.Text.Encoding.UTF8.GetBytes(DemoCards.ZhangSan.Phone)));
            Assert.Empty(await FindAsync(store.SqliteFile!, System.Text.Encoding.UTF8.GetBytes(DemoCards.ZhangSan.IdNumber)));
            Assert.Empty(await FindAsync(store.SqliteFile!, FaceIndex.ToBytes(template)[..64])); // encrypted at rest too
            Assert.Single(await FindAsync(store.SqliteFile!, System.Text.Encoding.UTF8.GetBytes(match.Id!.Value.ToString("D"))));
        }

        // withdrawal: gone from the store and the index at once, and recorded
        var withdrawn = await wallet.DeleteFromJsonAsync<JsonElement>("/api/wallet/face", Ct);
        Assert.True(withdrawn.GetProperty("withdrawn").GetBoolean());
        Assert.Equal("withdrawn", withdrawn.GetProperty("status").GetProperty("state").GetString());
        Assert.NotNull(withdrawn.GetProperty("status").GetProperty("withdrawnAt").GetString());
        Assert.Equal(0, await store.CountAsync(Ct));
        Assert.NotEqual(match.Id, index.Search(template).Id);
        Assert.Equal(0, index.Count);
    }

    [Fact]
    public async Task FACE1_an_enrolment_sent_twice_or_racing_a_withdrawal_never_fails_and_never_leaves_a_withdrawn_template()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        using var wallet = await WalletAsync(server.BaseAddress, DemoCards.ZhangSan.Phone);
        var (store, index) = (server.Services.GetRequiredService<FaceStore>(), server.Services.GetRequiredService<FaceIndex>());
        var template = FaceVectors.Unit(new Random(5));
        var envelope = await FaceVectors.SealAsync(server.Client(), template);
        async Task ConsentAsync() => Assert.True((await wallet.PostAsJsonAsync("/api/wallet/face/consent",
            new { accept = true, paymentPassword = PaymentPassword }, Ct)).IsSuccessStatusCode);

        // the same capture sent four times at once: enrolled once, stored once, and the store and the index agree
        await ConsentAsync();
        var taps = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => wallet.PostAsJsonAsync("/api/wallet/face/enrol", envelope, Ct)));
        foreach (var tap in taps)
        {
            Assert.True(tap.IsSuccessStatusCode, await tap.Content.ReadAsStringAsync(Ct));
        }
        Assert.Equal((1, 1), (await store.CountAsync(Ct), index.Count));
        Assert.True(index.Search(template).Similarity > 0.95f);

        // withdrawn while enrolling, round after round: each request answers in words (never a 500), and whenever the consent
        // ends withdrawn no template is left in the store or the index (FACE-1)
        for (var round = 0; round < 6; round++)
        {
            await ConsentAsync();
            var enrol = wallet.PostAsJsonAsync("/api/wallet/face/enrol", envelope, Ct);
            var withdraw = wallet.DeleteAsync("/api/wallet/face", Ct);
            await Task.WhenAll(enrol, withdraw);
            Assert.True((await withdraw).IsSuccessStatusCode, await (await withdraw).Content.ReadAsStringAsync(Ct));
            var enrolled = await enrol;
            Assert.True(enrolled.IsSuccessStatusCode || await CodeAsync(enrolled) is "FACE_CONSENT_WITHDRAWN" or "FACE_CONSENT_REQUIRED",
                await enrolled.Content.ReadAsStringAsync(Ct));
            var state = (await wallet.GetFromJsonAsync<JsonElement>("/api/wallet/face", Ct)).GetProperty("state").GetString();
            Assert.Equal(state == "enrolled" ? (1, 1) : (0, 0), (await store.CountAsync(Ct), index.Count));
            (await wallet.DeleteAsync("/api/wallet/face", Ct)).EnsureSuccessStatusCode();
            Assert.Equal((0, 0), (await store.CountAsync(Ct), index.Count));
        }
    }

    [Fact]
    public async Task The_index_is_rebuilt_from_the_face_store_at_start()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        using (var wallet = await WalletAsync(server.BaseAddress, DemoCards.LiSi.Phone))
        {
            (await wallet.PostAsJsonAsync("/api/wallet/face/consent", new { accept = true, paymentPassword = PaymentPassword }, Ct))
                .EnsureSuccessStatusCode();
            (await wallet.PostAsJsonAsync("/api/wallet/face/enrol", await FaceVectors.SealAsync(server.Client(), FaceVectors.Unit(new Random(9))), Ct))
                .EnsureSuccessStatusCode();
        }
        await server.RestartAsync();
        Assert.Equal(1, server.Services.GetRequiredService<FaceIndex>().Count);
    }

    /// <summary>Every table.column of a SQLite file whose value (blob or text) contains <paramref name="needle"/>.</summary>
    private static async Task<List<string>> FindAsync(string file, byte[] needle)
    {
        var hits = new List<string>();
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly }.ToString());
        await connection.OpenAsync(Ct);
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
            await using var reader = await list.ExecuteReaderAsync(Ct);
            while (await reader.ReadAsync(Ct))
            {
                tables.Add(reader.GetString(0));
            }
        }
        foreach (var table in tables)
        {
            await using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await select.ExecuteReaderAsync(Ct);
            while (await reader.ReadAsync(Ct))
            {
                for (var c = 0; c < reader.FieldCount; c++)
                {
                    var bytes = reader.IsDBNull(c) ? null : reader.GetValue(c) switch
                    {
                        byte[] b => b,
                        string s => System.Text.Encoding.UTF8.GetBytes(s),
                        _ => null,
                    };
                    if (bytes is not null && bytes.AsSpan().IndexOf(needle) >= 0)
                    {
                        hits.Add($"{table}.{reader.GetName(c)}");
                    }
                }
            }
        }
        return hits;
    }

    private static async Task<string?> CodeAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.TryGetProperty("code", out var code) ? code.GetString() : null;
}
