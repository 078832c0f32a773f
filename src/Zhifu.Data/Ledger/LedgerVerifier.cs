using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Core.Ledger;

namespace Zhifu.Data.Ledger;

/// <summary>One invariant and whether it held.</summary>
public sealed record InvariantCheck(string Name, bool Holds, string Detail);

/// <summary>What <c>zhifu verify</c> found.</summary>
public sealed record VerificationReport(IReadOnlyList<InvariantCheck> Checks, IReadOnlyList<(string Name, long Fen)> Totals)
{
    /// <summary>Whether every invariant held.</summary>
    public bool AllHold => Checks.All(c => c.Holds);
}

/// <summary>How far a verification has got: <paramref name="Done"/> of <paramref name="Total"/> queries, and the checks
/// finished so far.</summary>
public sealed record VerificationProgress(int Done, int Total, IReadOnlyList<InvariantCheck> Checks);

/// <summary>
/// Checks the ledger invariants of architecture.md against what is committed in the database, independently of the
/// writer's in-memory state: books balance, stored balances equal the sum of their transfers, no flagged account below
/// zero, customer and merchant money is matched by custody (SET-1), every applied transfer is explained by one record.
/// </summary>
public sealed partial class LedgerVerifier(ZhifuDb db)
{
    /// <summary>How many steps (queries over the ledger, some of them whole-table scans) a verification takes.</summary>
    public static int StepsTotal => 6 + BusinessRecords.Tables.Count;

    /// <summary>Runs every check.</summary>
    public Task<VerificationReport> VerifyAsync(CancellationToken cancellationToken = default) => VerifyAsync(null, cancellationToken);

    /// <summary>Runs every check, telling <paramref name="progress"/> after each step (on a big ledger this takes a while).</summary>
    public async Task<VerificationReport> VerifyAsync(IProgress<VerificationProgress>? progress, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var checks = new List<InvariantCheck>();
            var totals = new List<(string, long)>();
            var done = 0;
            void Step() => progress?.Report(new VerificationProgress(++done, StepsTotal, [.. checks]));
            await CheckBooksBalanceAsync(connection, checks, totals, cancellationToken);
            Step();
            await CheckBalancesMatchTransfersAsync(connection, checks, cancellationToken);
            Step();
            await CheckFlagsAsync(connection, checks, cancellationToken);
            Step();
            await CheckCustodyAsync(connection, checks, totals, cancellationToken);
            Step();
            await CheckHoldsAsync(connection, checks, cancellationToken);
            Step();
            await CheckBusinessRecordsAsync(connection, checks, Step, cancellationToken);
            return new VerificationReport(checks, totals);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task CheckBooksBalanceAsync(DbConnection c, List<InvariantCheck> checks, List<(string, long)> totals, CancellationToken ct)
    {
        // The money (ledger 1, fen) as totals; the balance per ledger — the allowance ledgers count fen of limits and numbers of
        // transfers, and summed with money one ledger's imbalance could hide another's.
        var row = await RowAsync(c, "SELECT COALESCE(SUM(debits_posted),0), COALESCE(SUM(credits_posted),0), COALESCE(SUM(debits_pending),0),"
            + $" COALESCE(SUM(credits_pending),0), COUNT(*) FROM ledger_accounts WHERE ledger = {Ledgers.Cny}", ct);
        var unbalanced = await RowAsync(c, "SELECT"
            + " (SELECT COUNT(*) FROM (SELECT ledger FROM ledger_accounts GROUP BY ledger HAVING SUM(debits_posted) <> SUM(credits_posted)) p),"
            + " (SELECT COUNT(*) FROM (SELECT ledger FROM ledger_accounts GROUP BY ledger HAVING SUM(debits_pending) <> SUM(credits_pending)) q),"
            + " (SELECT COUNT(*) FROM ledger_accounts)", ct);
        totals.Add(("accounts", unbalanced[2]));
        totals.Add(("debits posted", row[0]));
        totals.Add(("credits posted", row[1]));
        totals.Add(("debits pending", row[2]));
        totals.Add(("credits pending", row[3]));
        checks.Add(new("total debits = total credits (posted)", unbalanced[0] == 0,
            $"money {new Money(row[0])} vs {new Money(row[1])}; {unbalanced[0]} ledgers out of balance"));
        checks.Add(new("total debits = total credits (pending)", unbalanced[1] == 0,
            $"money {new Money(row[2])} vs {new Money(row[3])}; {unbalanced[1]} ledgers out of balance"));
    }

    private static async Task CheckFlagsAsync(DbConnection c, List<InvariantCheck> checks, CancellationToken ct)
    {
        var row = await RowAsync(c, "SELECT"
            + " (SELECT COUNT(*) FROM ledger_accounts WHERE (flags & 1) <> 0 AND debits_pending + debits_posted > credits_posted),"
            + " (SELECT COUNT(*) FROM ledger_accounts WHERE (flags & 2) <> 0 AND credits_pending + credits_posted > debits_posted),"
            + " (SELECT COUNT(*) FROM ledger_accounts WHERE debits_pending < 0 OR credits_pending < 0 OR debits_posted < 0 OR credits_posted < 0),"
            // An account is closed exactly when a closing hold on its side is open or posted (not voided, not expired): the set
            // of such accounts is built once, then compared with the flag (set-based, one pass over each table).
            + " (SELECT COUNT(*) FROM ledger_accounts a LEFT JOIN (SELECT DISTINCT c.id FROM ("
            + "SELECT t.debit_account_id AS id FROM ledger_transfers t JOIN ledger_pending p ON p.id = t.id"
            + " WHERE t.result = 0 AND (t.flags & 16) <> 0 AND p.status IN (0, 1) UNION ALL"
            + " SELECT t.credit_account_id FROM ledger_transfers t JOIN ledger_pending p ON p.id = t.id"
            + " WHERE t.result = 0 AND (t.flags & 32) <> 0 AND p.status IN (0, 1)) c) k ON k.id = a.id"
            + " WHERE ((a.flags & 4) <> 0 AND k.id IS NULL) OR ((a.flags & 4) = 0 AND k.id IS NOT NULL))",
            ct);
        checks.Add(new("no flagged account below zero", row[0] == 0 && row[1] == 0 && row[2] == 0,
            $"{row[0]} overdrawn liabilities, {row[1]} overdrawn assets, {row[2]} negative counters"));
        checks.Add(new("closed accounts match their closing holds", row[3] == 0, $"{row[3]} accounts closed or open against their holds"));
    }

    private static async Task CheckCustodyAsync(DbConnection c, List<InvariantCheck> checks, List<(string, long)> totals, CancellationToken ct)
    {
        long liabilities = 0, funds = 0, assets = 0, unknown = 0;
        foreach (var (code, balance) in await PairsAsync(c, "SELECT code, SUM(credits_posted - debits_posted) FROM ledger_accounts GROUP BY code", ct))
        {
            var kind = (AccountCode)code;
            if (AccountCodes.IsCustomerLiability(kind))
            {
                liabilities += balance;
            }
            else if (AccountCodes.IsInstitutionFund(kind))
            {
                funds += balance;
            }
            else if (AccountCodes.IsAsset(kind))
            {
                assets -= balance;
            }
            else
            {
                unknown++;
            }
        }
        totals.Add(("customer and merchant liabilities", liabilities));
        totals.Add(("institution funds in custody", funds));
        totals.Add(("custody reserve and channel clearing", assets));
        // SET-1: what customers and merchants are owed, plus the institution's own money still in custody, is exactly what
        // the custody accounts (and money in flight with the banks) hold.
        checks.Add(new("custody covers customer funds (SET-1)", unknown == 0 && assets == liabilities + funds,
            string.Create(CultureInfo.InvariantCulture,
                $"custody+clearing {new Money(assets)} = liabilities {new Money(liabilities)} + institution {new Money(funds)}; unknown codes {unknown}")));
    }
}
