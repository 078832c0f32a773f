using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Data.Entities;
using Zhifu.Server.Ledger;
using Zhifu.Server.Lifecycle;
using Zhifu.Server.Notifications;
using Zhifu.Server.Security;
using Zhifu.Tests.Infrastructure;

namespace Zhifu.Tests.Lifecycle;

/// <summary>Drives the server as the wallet app, the operator console and the carrier would.</summary>
internal static partial class LifecycleClient
{
    public const string PaymentPassword = "258147";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static int s_phone = Random.Shared.Next(10_000_000);

    /// <summary>A fresh mobile number no other test uses.</summary>
    public static string NewPhone() => "137" + Interlocked.Increment(ref s_phone).ToString("D8",
        System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The operator user search (SEC-2): the key goes in the body of a POST, never in the address (ACC-8).</summary>
    public static Task<HttpResponseMessage> SearchUsersAsync(HttpClient ops, string? phone = null, string? idNumber = null) =>
        ops.PostAsJsonAsync("/api/ops/users/search", new { phone, idNumber }, Ct);

    /// <summary>The wallets a search finds (it must succeed).</summary>
    public static async Task<JsonElement> FoundUsersAsync(HttpClient ops, string? phone = null, string? idNumber = null)
    {
        using var response = await SearchUsersAsync(ops, phone, idNumber);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    /// <summary>Opens a wallet by self-service (ACC-1), sets its payment password and returns the signed-in client.</summary>
    public static async Task<(HttpClient Client, Guid UserId)> OpenWalletAsync(ClockedServer server, string phone, string? device = null)
    {
        var client = server.Client();
        (await client.PostAsJsonAsync("/api/wallet/otp", new { phone, purpose = "open-account" }, Ct)).EnsureSuccessStatusCode();
        var response = await client.PostAsJsonAsync("/api/wallet/accounts", new
        {
            phone, otp = await LatestCodeAsync(server,
                phone), loginPassword = "Passw0rd!x", agreementVersion = "2026-11", acceptAgreement = true,
            deviceId = device ?? phone,
        }, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, body);
        var session = JsonDocument.Parse(body).RootElement;
        Authorize(client, session.GetProperty("token").GetString()!);
        server.Clock.Advance(TimeSpan.FromSeconds(1)); // texts of one frozen instant would have no order
        (await client.PostAsJsonAsync("/api/wallet/me/otp", new { purpose = "payment-password" }, Ct)).EnsureSuccessStatusCode();
        (await client.PostAsJsonAsync("/api/wallet/me/payment-password",
            new { otp = await LatestCodeAsync(server, phone), paymentPassword = PaymentPassword }, Ct)).EnsureSuccessStatusCode();
        return (client, session.GetProperty("userId").GetGuid());
    }

    public static async Task<HttpResponseMessage> LoginAsync(ClockedServer server, string phone, string password = "Passw0rd!x") =>
        await server.Client().PostAsJsonAsync("/api/wallet/sessions", new { phone, password }, Ct);

    public static async Task<HttpClient> SignInAsync(ClockedServer server, string phone, string password = "Passw0rd!x")
    {
        var response = await LoginAsync(server, phone, password);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, body);
        var client = server.Client();
        Authorize(client, JsonDocument.Parse(body).RootElement.GetProperty("token").GetString()!);
        return client;
    }

    /// <summary>Asks for a lifecycle one-time code and reads it from the phone's texts.</summary>
    public static async Task<string> CodeAsync(ClockedServer server, HttpClient client, string phone, string purpose)
    {
        server.Clock.Advance(TimeSpan.FromSeconds(61)); // past the resend interval, and the newest text is this one
        var response = await client.PostAsJsonAsync("/api/wallet/me/lifecycle/otp", new { purpose }, Ct);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
        return await LatestCodeAsync(server, phone);
    }

    public static async Task<string> LatestCodeAsync(ClockedServer server, string phone)
    {
        var texts = await server.Services.GetRequiredService<SmsOutbox>().ReadAsync(phone, 5, Ct);
        return CodePattern().Match(texts.First(t => t.Kind == "otp").Body).Value;
    }

    /// <summary>An operator of the demo world signed in with a role (the operations operator's username is <c>ops</c>).</summary>
    public static Task<HttpClient> OperatorAsync(ClockedServer server, string role) => OperatorSignIn.AsAsync(server.Client(), role);

    public static Task<HttpResponseMessage> CarrierEventAsync(ClockedServer server, string phone, string @event,
        DateTimeOffset occurredAt) =>
        server.Client().PostAsJsonAsync("/api/carrier/events", new { phone, @event, occurredAt }, Ct);

    public static async Task<string?> GuardAsync(ClockedServer server, Guid userId, Business kind) =>
        (await server.Services.GetRequiredService<IAccountGuard>().EnsureCanTransactAsync(userId, kind, Ct))?.Code;

    public static async Task<JsonElement> RestrictionsAsync(HttpClient wallet) =>
        await wallet.GetFromJsonAsync<JsonElement>("/api/wallet/me/restrictions", Ct);

    /// <summary>Posts a body (an object as JSON, or prepared content) and asserts the refusal's status and stable code.</summary>
    public static async Task<JsonElement> RefusedAsync(this HttpClient client, string url, object? body, int status, string code)
    {
        var response = body switch
        {
            null => await client.PostAsync(url, null, Ct),
            HttpContent content => await client.PostAsync(url, content, Ct),
            _ => await client.PostAsJsonAsync(url, body, Ct),
        };
        return await Hosting.OperatorApiTests.AssertProblemAsync(response, status, code);
    }

    /// <summary>Posts a body as JSON and asserts success.</summary>
    public static async Task<JsonElement> PostOkAsync(this HttpClient client, string url, object body)
    {
        var response = await client.PostAsJsonAsync(url, body, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, text);
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Money into a wallet (a posted adjustment): the wallet has transacted.</summary>
    public static async Task FundAsync(ClockedServer server, Guid userId, long amountFen)
    {
        var chart = server.Services.GetRequiredService<InstitutionChart>();
        var result = await server.Services.GetRequiredService<Adjustments>().PostAsync(Guid.CreateVersion7(), "test", "a first top-up",
            chart[InstitutionChart.Custody("ICBC")], (await UserAsync(server, userId)).WalletAccountId, amountFen, "test", Ct);
        Assert.Equal(Zhifu.Core.Ledger.TransferResult.Ok, result);
    }

    public static StringContent Json(string raw) => new(raw, Encoding.UTF8, "application/json");

    public static async Task<UserRow> UserAsync(ClockedServer server, Guid userId)
    {
        await using var db = server.Database.Options.CreateContext();
        return await db.Set<UserRow>().AsNoTracking().FirstAsync(u => u.Id == userId, Ct);
    }

    /// <summary>Rows that bad input must never add to: restrictions, list entries, number releases, audit entries, texts.</summary>
    public static async Task<(int, int, int, int, int)> WrittenRowsAsync(ClockedServer server)
    {
        await using var db = server.Database.Options.CreateContext();
        return (await db.Set<AccountRestrictionRow>().CountAsync(Ct), await db.Set<InvolvedAccountEntryRow>().CountAsync(Ct),
            await db.Set<PhoneReleaseRow>().CountAsync(Ct), await db.Set<AuditRow>().CountAsync(Ct),
            await db.Set<SmsMessageRow>().CountAsync(Ct));
    }

    /// <summary>What real-name verification (the RealName feature) leaves on a wallet: name and ID encrypted, ID blind index.</summary>
    public static async Task RealNameAsync(ClockedServer server, Guid userId, string name, string idNumber)
    {
        var personalData = server.Services.GetRequiredService<PersonalData>();
        await using var db = server.Database.Options.CreateContext();
        var user = await db.Set<UserRow>().FirstAsync(u => u.Id == userId, Ct);
        user.NameCipher = personalData.Protect(name, PersonalData.Name);
        user.IdNumberCipher = personalData.Protect(idNumber, PersonalData.IdNumber);
        user.IdNumberIndex = personalData.BlindIndex(idNumber, PersonalData.IdNumber);
        user.AccountClass = 1;
        await db.SaveChangesAsync(Ct);
    }

    public static void Authorize(HttpClient client, string token) =>
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

    [GeneratedRegex("[0-9]{6}")]
    private static partial Regex CodePattern();
}
