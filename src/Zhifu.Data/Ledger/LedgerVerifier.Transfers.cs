using System.Data.Common;
using Zhifu.Core.Ledger;

namespace Zhifu.Data.Ledger;

public sealed partial class LedgerVerifier
{
    // Posted amounts: plain transfers and posts of holds. Held amounts: holds still open.
    private const string RecomputeSql = """
        SELECT COUNT(*) FROM ledger_accounts a
        LEFT JOIN (
            SELECT account_id, SUM(dpo) AS dpo, SUM(cpo) AS cpo, SUM(dp) AS dp, SUM(cp) AS cp FROM (
                SELECT t.debit_account_id AS account_id,
                       CASE WHEN (t.flags & 10) = 0 THEN t.amount ELSE 0 END AS dpo, 0 AS cpo,
                       CASE WHEN (t.flags & 2) <> 0 AND p.status = 0 THEN t.amount ELSE 0 END AS dp, 0 AS cp
                FROM ledger_transfers t LEFT JOIN ledger_pending p ON p.id = t.id WHERE t.result = 0
                UNION ALL
                SELECT t.credit_account_id, 0, CASE WHEN (t.flags & 10) = 0 THEN t.amount ELSE 0 END,
                       0, CASE WHEN (t.flags & 2) <> 0 AND p.status = 0 THEN t.amount ELSE 0 END
                FROM ledger_transfers t LEFT JOIN ledger_pending p ON p.id = t.id WHERE t.result = 0
            ) m GROUP BY account_id
        ) s ON s.account_id = a.id
        WHERE a.debits_posted <> COALESCE(s.dpo, 0) OR a.credits_posted <> COALESCE(s.cpo, 0)
           OR a.debits_pending <> COALESCE(s.dp, 0) OR a.credits_pending <> COALESCE(s.cp, 0)
        """;

    private static async Task CheckBalancesMatchTransfersAsync(DbConnection c, List<InvariantCheck> checks, CancellationToken ct)
    {
        var mismatched = (await RowAsync(c, RecomputeSql, ct))[0];
        var orphans = (await RowAsync(c, "SELECT COUNT(*) FROM ledger_transfers t WHERE t.result = 0 AND (NOT EXISTS"
            + " (SELECT 1 FROM ledger_accounts a WHERE a.id = t.debit_account_id) OR NOT EXISTS"
            + " (SELECT 1 FROM ledger_accounts a WHERE a.id = t.credit_account_id))", ct))[0];
        checks.Add(new("every balance equals the sum of its transfers", mismatched == 0 && orphans == 0,
            $"{mismatched} accounts differ, {orphans} transfers name missing accounts"));
    }

    private static async Task CheckHoldsAsync(DbConnection c, List<InvariantCheck> checks, CancellationToken ct)
    {
        var row = await RowAsync(c, "SELECT"
            + " (SELECT COUNT(*) FROM ledger_transfers t WHERE t.result = 0 AND (t.flags & 2) <> 0"
            + "   AND NOT EXISTS (SELECT 1 FROM ledger_pending p WHERE p.id = t.id)),"
            + " (SELECT COUNT(*) FROM ledger_transfers t WHERE t.result = 0 AND (t.flags & 4) <> 0"
            + "   AND NOT EXISTS (SELECT 1 FROM ledger_pending p WHERE p.id = t.pending_id AND p.status = 1)),"
            + " (SELECT COUNT(*) FROM ledger_transfers t WHERE t.result = 0 AND (t.flags & 8) <> 0"
            + "   AND NOT EXISTS (SELECT 1 FROM ledger_pending p WHERE p.id = t.pending_id AND p.status = 2)),"
            + " (SELECT COUNT(*) FROM ledger_pending p WHERE p.status IN (1, 2) AND (SELECT COUNT(*) FROM ledger_transfers t"
            + "   WHERE t.pending_id = p.id AND t.result = 0) <> 1)", ct);
        checks.Add(new("every hold is open, posted once, voided once or expired", row.All(v => v == 0),
            $"{row[0]} holds without status, {row[1]} posts and {row[2]} voids without a matching hold, {row[3]} resolved holds"
            + " without exactly one resolving transfer"));
    }

    // One step per query (a scan of the transfers each): the longest part of a verification.
    private static async Task CheckBusinessRecordsAsync(DbConnection c, List<InvariantCheck> checks, Action step, CancellationToken ct)
    {
        var known = string.Join(", ", BusinessRecords.Tables.Keys);
        var unexplained = (await RowAsync(c, $"SELECT COUNT(*) FROM ledger_transfers WHERE result = 0 AND code NOT IN ({known})", ct))[0];
        step();
        foreach (var (code, (table, key)) in BusinessRecords.Tables)
        {
            unexplained += (await RowAsync(c, $"SELECT COUNT(*) FROM ledger_transfers t WHERE t.result = 0 AND t.code = {code}"
                + $" AND NOT EXISTS (SELECT 1 FROM {table} r WHERE r.{key} = t.business_id)", ct))[0];
            step();
        }
        checks.Add(new("every applied transfer is explained by one business record", unexplained == 0,
            $"{unexplained} transfers without their record"));
    }

    private static async Task<long[]> RowAsync(DbConnection c, string sql, CancellationToken ct)
    {
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        var values = new long[r.FieldCount];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = r.IsDBNull(i) ? 0 : Convert.ToInt64(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
        }
        return values;
    }

    private static async Task<List<(int, long)>> PairsAsync(DbConnection c, string sql, CancellationToken ct)
    {
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<(int, long)>();
        while (await r.ReadAsync(ct))
        {
            list.Add((Convert.ToInt32(r.GetValue(0), System.Globalization.CultureInfo.InvariantCulture),
                Convert.ToInt64(r.GetValue(1), System.Globalization.CultureInfo.InvariantCulture)));
        }
        return list;
    }
}
