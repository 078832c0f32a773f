using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Core.Banking;
using Zhifu.Core.Ledger;
using Zhifu.Server.Accounts;
using Zhifu.Server.Hosting;

namespace Zhifu.Bench.Merchant;

/// <summary>One demo wallet signed in through the wallet API: its session token and ledger account.</summary>
internal sealed record PayingWallet(string Phone, Guid UserId, Guid WalletAccountId, string Token);

/// <summary>
/// The demo world's wallets (张三, 李四, 王五), funded by the seed with ¥500/¥300/¥200. Payments are spread over them in
/// proportion to those balances (5:3:2), so that a bounded number of 1–10 fen payments fits in every wallet; the bench checks
/// that before it starts instead of letting a wallet run dry mid-run.
/// </summary>
internal sealed class PayingWallets
{
    private readonly PayingWallet[] _rotation;

    private PayingWallets(IReadOnlyList<PayingWallet> wallets, PayingWallet[] rotation)
    {
        All = wallets;
        _rotation = rotation;
    }

    public IReadOnlyList<PayingWallet> All { get; }

    /// <summary>
    /// Three wallets stand in for the many payers of a real load, so the default rule that steps up a user's 21st payment
    /// within 10 minutes (R002) would ask every later payment for an SMS code. Risk raises that rule's count the way an
    /// operator would (a new version of the rule, audited); the rule is still evaluated for every payment, with its velocity
    /// window, like all the other default rules — the risk engine's cost is the production one.
    /// </summary>
    private static async Task StandInForManyPayersAsync(MerchantServer server)
    {
        var rules = server.Services.GetRequiredService<Zhifu.Server.Risk.RiskRules>();
        var (_, r002) = Zhifu.Server.Risk.RiskRules.Defaults.Single(d => d.Id == "R002");
        var (_, error) = await rules.PutAsync("R002", r002 with
        {
            ParametersJson = """{"subject":"user","windowMinutes":10,"maxCount":1000000}""",
            Description = "bench: three wallets stand in for many payers",
        }, new Zhifu.Server.Lifecycle.OperatorActor("bench", "risk"), CancellationToken.None);
        if (error is not null)
        {
            throw new InvalidOperationException($"the bench could not adjust R002: {error}");
        }
    }

    /// <summary>The wallet paying the payment with this sequence number.</summary>
    public PayingWallet For(long sequence) => _rotation[sequence % _rotation.Length];

    public static async Task<PayingWallets> SignInAsync(MerchantServer server, HttpClient http, int paymentsMax)
    {
        await StandInForManyPayersAsync(server);
        var accounts = server.Services.GetRequiredService<WalletAccounts>();
        var ledger = server.Services.GetRequiredService<ILedger>();
        var wallets = new List<PayingWallet>();
        var rotation = new List<PayingWallet>();
        var slotsTotal = DemoCards.People.Sum(p => DemoWorld.OpeningBalances[p.Phone] / 10_000);
        foreach (var person in DemoCards.People)
        {
            using var login = await http.PostAsJsonAsync("/api/wallet/sessions",
                new { phone = person.Phone, password = DemoWorld.UserPassword });
            login.EnsureSuccessStatusCode();
            var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
            var user = (await accounts.FindByPhoneAsync(person.Phone, CancellationToken.None))!;
            var wallet = new PayingWallet(person.Phone, user.Id, user.WalletAccountId, token);
            wallets.Add(wallet);
            var slots = DemoWorld.OpeningBalances[person.Phone] / 10_000;
            rotation.AddRange(Enumerable.Repeat(wallet, (int)slots));
            var share = (paymentsMax * slots + slotsTotal - 1) / slotsTotal;
            var balance = ledger.GetAccount(user.WalletAccountId)!.Value.AvailableCreditBalance;
            if (share * MerchantPlan.AmountFenMax > balance)
            {
                throw new InvalidOperationException(
                    $"wallet {person.Phone} holds {balance} fen, less than its share of {paymentsMax} payments at up to "
                    + $"{MerchantPlan.AmountFenMax} fen");
            }
        }
        return new PayingWallets(wallets, [.. rotation]);
    }
}
