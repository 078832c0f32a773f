using Zhifu.Core;
using Zhifu.Bank.Faults;
using Zhifu.Bank.Hosting;
using Zhifu.Bank.Movements;
using Zhifu.Bank.Storage;
using Zhifu.Core.Banking;

namespace Zhifu.Bank.Statements;

/// <summary>
/// <c>GET /v1/statements/{bank}/{yyyy-MM-dd}</c>: the day's statement file (对账单) for reconciliation (SET-4), one line per
/// request the bank recorded that China-time day with its current status; cards masked, never in clear.
/// </summary>
internal static class StatementEndpoints
{
    public static void MapStatements(this IEndpointRouteBuilder app) => app.MapGet("/v1/statements/{bank}/{day}", GetAsync);

    private static async Task<IResult> GetAsync(string bank, string day, BankDatabase database, FaultInjector faults)
    {
        if ((Field.Bank(bank) ?? Field.Day(day, out _)) is { } error)
        {
            return TypedResults.BadRequest(error);
        }
        await faults.DelayAsync();
        var lines = database.Read(c => c.Many(Line, $"""
            SELECT {Movement.Columns} FROM movements WHERE bank = $bank AND local_day = $day ORDER BY created_at_ms, request_id
            """, ("$bank", bank), ("$day", day)));
        return TypedResults.Text(BankStatementCsv.Write(lines), "text/csv; charset=utf-8");
    }

    private static BankStatementLine Line(Microsoft.Data.Sqlite.SqliteDataReader reader)
    {
        var m = Movement.Read(reader);
        var status = m.Status switch
        {
            "succeeded" => BankTransactionStatus.Succeeded,
            "reversed" => BankTransactionStatus.Reversed,
            _ => BankTransactionStatus.Failed,
        };
        return new BankStatementLine(m.BankTxnId, m.RequestId, PersonalDataMask.CardNumberForStatement(m.CardNo),
            m.Direction == "debit" ? BankDirection.Debit : BankDirection.Credit, m.AmountFen, status,
            DateTimeOffset.FromUnixTimeMilliseconds(m.CreatedAtMs));
    }
}
