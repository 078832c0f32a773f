using Microsoft.EntityFrameworkCore;
using Zhifu.Core.Ledger;
using Zhifu.Data;
using Zhifu.Data.Entities;

namespace Zhifu.Server.Ledger;

/// <summary>The banks that hold the institution's custody reserve (section <c>Institution</c>).</summary>
public sealed record InstitutionOptions
{
    /// <summary>Bank codes with a custody (备付金) account; the first is where top-ups land by default.</summary>
    public IReadOnlyList<string> CustodyBanks { get; init; } = ["ICBC", "CCB"];
}

/// <summary>An institution account and its posted balance on its own side: debits for the assets (custody, clearing),
/// credits for the rest. <paramref name="Code"/> is null while the ledger does not know the account.</summary>
public sealed record InstitutionBalance(string Key, Guid AccountId, AccountCode? Code, long BalanceFen);

/// <summary>
/// The institution's own chart of accounts: custody reserve and channel clearing per bank, fee income, the risk
/// compensation fund, in-transit and suspense. Created on every start if missing (idempotent), looked up by key.
/// </summary>
public sealed class InstitutionChart(ILedger ledger, DatabaseOptions database, InstitutionOptions options)
{
    public const string FeeIncome = "fee-income";
    public const string RiskCompensationFund = "risk-compensation-fund";
    public const string InTransit = "in-transit";
    public const string Suspense = "suspense";

    private Dictionary<string, Guid> _ids = [];

    public static string Custody(string bank) => "custody:" + bank;

    public static string Clearing(string bank) => "clearing:" + bank;

    /// <summary>The account id of a chart key.</summary>
    public Guid this[string key] => _ids.TryGetValue(key, out var id) ? id : throw new KeyNotFoundException($"no institution account {key}");

    /// <summary>Every key and account id.</summary>
    public IReadOnlyDictionary<string, Guid> All => _ids;

    /// <summary>Every account of the chart with its committed balance, by key (what finance sees: API and console).</summary>
    public IReadOnlyList<InstitutionBalance> Balances() =>
        [.. _ids.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv =>
        {
            var a = ledger.GetAccount(kv.Value);
            var balance = a is null ? 0 : AccountCodes.IsAsset(a.Value.Code) ? a.Value.PostedDebitBalance : a.Value.PostedCreditBalance;
            return new InstitutionBalance(kv.Key, kv.Value, a?.Code, balance);
        })];

    /// <summary>Creates whatever part of the chart is missing and loads the ids.</summary>
    public async Task EnsureAsync(CancellationToken cancellationToken = default)
    {
        var wanted = new List<(string Key, string Name, AccountCode Code, AccountFlags Flags)>
        {
            (FeeIncome, "手续费收入 Fee income", AccountCode.FeeIncome, AccountFlags.DebitsMustNotExceedCredits),
            (RiskCompensationFund, "风险补偿金 Risk compensation fund", AccountCode.RiskCompensationFund, AccountFlags.DebitsMustNotExceedCredits),
            (InTransit, "在途资金 In transit", AccountCode.InTransit, AccountFlags.DebitsMustNotExceedCredits),
            (Suspense, "差错挂账 Suspense", AccountCode.Suspense, AccountFlags.None),
        };
        foreach (var bank in options.CustodyBanks)
        {
            wanted.Add((Custody(bank), $"备付金 Custody reserve {bank}", AccountCode.CustodyReserve, AccountFlags.CreditsMustNotExceedDebits));
            wanted.Add((Clearing(bank), $"渠道清算 Channel clearing {bank}", AccountCode.ChannelClearing, AccountFlags.None));
        }
        await using var db = database.CreateContext();
        var existing = await db.InstitutionAccounts.ToDictionaryAsync(r => r.Key, cancellationToken);
        foreach (var w in wanted.Where(w => !existing.ContainsKey(w.Key)))
        {
            var row = new InstitutionAccountRow { Key = w.Key, Name = w.Name, AccountId = Guid.CreateVersion7() };
            db.InstitutionAccounts.Add(row);
            existing[w.Key] = row;
        }
        await db.SaveChangesAsync(cancellationToken);
        // The row is written first; creating the ledger account again is idempotent, so a crash between the two heals.
        var accounts = wanted.Select(w => new NewAccount { Id = existing[w.Key].AccountId, Ledger = Ledgers.Cny, Code = w.Code, Flags = w.Flags })
            .ToList();
        var results = await ledger.CreateAccountsAsync(accounts, cancellationToken);
        for (var i = 0; i < results.Length; i++)
        {
            if (!results[i].IsSuccess())
            {
                throw new InvalidOperationException($"institution account {wanted[i].Key}: {results[i]}");
            }
        }
        _ids = existing.ToDictionary(e => e.Key, e => e.Value.AccountId);
    }
}
