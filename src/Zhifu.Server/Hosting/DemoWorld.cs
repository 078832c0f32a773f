using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Core.Banking;
using Zhifu.Core.Ledger;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Ledger;
using Zhifu.Server.Accounts;
using Zhifu.Server.Security;

namespace Zhifu.Server.Hosting;

/// <summary>
/// The demo world a newcomer signs in to: the institution's risk fund deposit, one merchant, the three demo people of the
/// bank simulator with funded wallets, and one operator per role. Seeded once; every step is idempotent.
/// </summary>
public sealed class DemoWorld(
    DatabaseOptions database, InstitutionChart chart, InstitutionOptions institution, Adjustments adjustments,
    WalletAccounts accounts, AccountsOptions accountsOptions, PasswordHasher passwords, IClock clock, ILogger<DemoWorld> logger,
    RealName.RealNameVerification realName, RealName.RealNameOptions realNameOptions, Cards.BankCards cards,
    MerchantApi.MerchantDemoCredentials merchantApi, Merchants.MerchantOnboarding onboarding,
    MerchantApi.MerchantApiOptions merchantApiOptions)
{
    public const string MerchantId = "1230000109";
    public const string OperatorPassword = "Zhifu@2026";
    public const string UserPassword = "Demo@2026";
    public const string MerchantStaffPassword = "Shop@2026";

    /// <summary>The demo merchant's staff, one per role (MER-5): username, role, title.</summary>
    public static IReadOnlyList<(string Username, string Role, string Title)> MerchantStaff { get; } =
    [
        ("cafe-admin", "admin", "店长 Owner: everything, incl. staff and settings"),
        ("cafe-finance", "finance", "财务 Finance: refund review, settlement"),
        ("cafe-cashier", "cashier", "收银员 Cashier: orders and refund requests only"),
    ];
    public const string UserPaymentPassword = "147258";
    private const string SeededKey = "demo.seeded";

    /// <summary>One operator per role (SEC-1): username = role.</summary>
    public static IReadOnlyList<(string Username, string Role, string Title)> Operators { get; } =
    [
        ("risk", "risk", "风控 Risk"),
        ("ops", "operations", "运营 Operations"),
        ("service", "service", "客服 Customer service"),
        ("finance", "finance", "财务 Finance"),
        ("audit", "audit", "审计 Audit"),
    ];

    /// <summary>Opening wallet balances of the demo people, in fen.</summary>
    public static IReadOnlyDictionary<string, long> OpeningBalances { get; } = new Dictionary<string, long>
    {
        [DemoCards.ZhangSan.Phone] = 50_000,
        [DemoCards.LiSi.Phone] = 30_000,
        [DemoCards.WangWu.Phone] = 20_000,
    };

    public async Task<bool> IsSeededAsync(CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext();
        return await db.Meta.AnyAsync(m => m.Key == SeededKey, cancellationToken);
    }

    public async Task SeedAsync(CancellationToken cancellationToken = default)
    {
        if (await IsSeededAsync(cancellationToken))
        {
            return;
        }
        var custody = chart[InstitutionChart.Custody(institution.CustodyBanks[0])];
        await Fund("demo:risk-fund", "institution deposit into the risk compensation fund", custody,
            chart[InstitutionChart.RiskCompensationFund], 10_000_000, cancellationToken);
        await SeedMerchantAsync(cancellationToken);
        await merchantApi.SeedAsync(cancellationToken); // MER-6: API keys, written to {data}/demo/merchant/
        foreach (var person in DemoCards.People)
        {
            var wallet = await SeedUserAsync(person, cancellationToken);
            await Fund("demo:wallet:" + person.Phone, "demo opening balance", custody, wallet, OpeningBalances[person.Phone],
                cancellationToken);
            await SeedRealNameAndCardsAsync(person, cancellationToken);
        }
        await SeedOperatorsAsync(cancellationToken);
        await SeedMerchantStaffAsync(cancellationToken);
        await using var db = database.CreateContext();
        db.Meta.Add(new MetaRow { Key = SeededKey, Value = clock.UtcNow.ToString("O") });
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Demo world seeded: {Users} users, merchant {MchId}, {Operators} operators",
            DemoCards.People.Count, MerchantId, Operators.Count);
    }

    private async Task Fund(string key, string reason, Guid debit, Guid credit, long amountFen, CancellationToken ct)
    {
        // A deterministic id per seeding step: a seed interrupted and run again cannot fund twice.
        var id = new Guid(MD5.HashData(Encoding.UTF8.GetBytes(key)));
        var result = await adjustments.PostAsync(id, "demo-funding", reason, debit, credit, amountFen, "seed-demo", ct);
        if (!result.IsSuccess())
        {
            throw new InvalidOperationException($"demo funding {key} failed: {result}");
        }
    }

    /// <summary>The demo café goes through onboarding like any merchant (MER-1): entered by operations, approved by risk.</summary>
    private async Task SeedMerchantAsync(CancellationToken ct)
    {
        await using var db = database.CreateContext();
        if (await db.Merchants.AnyAsync(m => m.MchId == MerchantId, ct))
        {
            return;
        }
        var application = new Merchants.MerchantApplication("知付演示咖啡馆 Zhifu Demo Café", "91110108MA01ABCD1E", "赵咖啡", "110101198001010053",
            "5814", "low", merchantApiOptions.DefaultFeeRatePpm, "ICBC", "0200001009000012345", "北京知付演示咖啡有限公司", null);
        await onboarding.ApplyAsync(application, "demo:operations", ct, MerchantId);
        await onboarding.ApproveAsync(MerchantId, "demo:risk", "演示商户", ct);
    }

    private async Task<Guid> SeedUserAsync(DemoPerson person, CancellationToken ct)
    {
        if (await accounts.FindByPhoneAsync(person.Phone, ct) is { } existing)
        {
            return existing.WalletAccountId;
        }
        var (user, error) = await accounts.OpenAsync(new OpeningRequest(person.Phone, OpeningChannels.Counter,
            accountsOptions.AgreementVersion, passwords.Hash(UserPassword), MustChangeLoginPassword: false, DeviceId: null), ct);
        if (error is not null)
        {
            throw new InvalidOperationException($"demo wallet: {error.Code}");
        }
        await using var db = database.CreateContext();
        var row = await db.Set<UserRow>().FirstAsync(u => u.Id == user!.Id, ct);
        row.PaymentPasswordHash = passwords.Hash(UserPaymentPassword);
        await db.SaveChangesAsync(ct);
        return row.WalletAccountId;
    }

    /// <summary>
    /// ACC-2, CARD-1: each demo person is verified by the banks of the simulator that know them (张三 five → Class Ⅲ, 李四
    /// three → Class Ⅱ, 王五 two → Class Ⅰ) and has their cards bound. The seed runs before the bank channel starts, so it
    /// records what the simulator's own demo cards (<see cref="DemoCards"/>) confirm instead of asking; idempotent.
    /// </summary>
    private async Task SeedRealNameAndCardsAsync(DemoPerson person, CancellationToken ct)
    {
        var user = (await accounts.FindByPhoneAsync(person.Phone, ct))!;
        if (user.AccountClass == 0)
        {
            var sources = realNameOptions.SourceList.Where(s => person.Cards.Any(c => c.Bank == s)).ToList();
            await realName.RecordConfirmedAsync(user.Id, person.Name, person.IdNumber, sources, ct);
        }
        foreach (var card in person.Cards)
        {
            await cards.RecordConfirmedAsync(user.Id, card.Bank, card.CardNumber, card.CardType, ct);
        }
    }

    private async Task SeedOperatorsAsync(CancellationToken ct)
    {
        await using var db = database.CreateContext();
        foreach (var (username, role, _) in Operators)
        {
            if (!await db.Operators.AnyAsync(o => o.Username == username, ct))
            {
                db.Operators.Add(new OperatorRow
                {
                    Id = Guid.CreateVersion7(),
                    Username = username,
                    Role = role,
                    PasswordHash = passwords.Hash(OperatorPassword),
                    CreatedAt = clock.UtcNow,
                });
            }
        }
        await db.SaveChangesAsync(ct);
    }

    private async Task SeedMerchantStaffAsync(CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var merchantId = await db.Merchants.Where(m => m.MchId == MerchantId).Select(m => m.Id).FirstAsync(ct);
        foreach (var (username, role, _) in MerchantStaff)
        {
            if (!await db.Set<MerchantStaffRow>().AnyAsync(o => o.Username == username, ct))
            {
                db.Add(new MerchantStaffRow
                {
                    Id = Guid.CreateVersion7(), MerchantId = merchantId, Username = username, Role = role,
                    PasswordHash = passwords.Hash(MerchantStaffPassword), CreatedAt = clock.UtcNow,
                });
            }
        }
        await db.SaveChangesAsync(ct);
    }
}
