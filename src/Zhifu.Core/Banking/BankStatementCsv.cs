using System.Globalization;
using System.Text;

namespace Zhifu.Core.Banking;

/// <summary>
/// The statement file format, written by the bank simulator and read by the platform, defined once here.
/// Columns: <c>bank_txn_id,request_id,card,direction,amount_fen,status,time</c>; time is ISO 8601 with the +08:00 offset.
/// No field may hold a comma or a line break (ids and masked cards never do), so no quoting is needed.
/// </summary>
public static class BankStatementCsv
{
    /// <summary>The header line.</summary>
    public const string Header = "bank_txn_id,request_id,card,direction,amount_fen,status,time";

    /// <summary>Asia/Shanghai has had no daylight saving since 1991, so a fixed offset is exact and needs no tz database.</summary>
    public static readonly TimeSpan ShanghaiOffset = TimeSpan.FromHours(8);

    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:sszzz";

    /// <summary>Writes the header and one line per movement, each ending in <c>\n</c>.</summary>
    /// <param name="lines">The movements, in the order to write them.</param>
    public static string Write(IEnumerable<BankStatementLine> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var text = new StringBuilder(Header).Append('\n');
        foreach (var line in lines)
        {
            var time = line.Time.ToOffset(ShanghaiOffset).ToString(TimeFormat, CultureInfo.InvariantCulture);
            text.Append(CultureInfo.InvariantCulture,
                $"{line.BankTxnId},{line.RequestId},{line.Card},{Name(line.Direction)},{line.AmountFen},{Name(line.Status)},{time}\n");
        }
        return text.ToString();
    }

    /// <summary>Reads a statement file written by <see cref="Write"/>.</summary>
    /// <param name="csv">The file's text.</param>
    /// <exception cref="FormatException">The header or a line is not in the expected shape.</exception>
    public static IReadOnlyList<BankStatementLine> Parse(string csv)
    {
        ArgumentNullException.ThrowIfNull(csv);
        var rows = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(r => r.TrimEnd('\r')).ToArray();
        if (rows.Length == 0 || rows[0] != Header)
        {
            throw new FormatException("statement header missing or unexpected");
        }
        return rows.Skip(1).Select(ParseLine).ToArray();
    }

    private static BankStatementLine ParseLine(string row)
    {
        var f = row.Split(',');
        if (f.Length != 7)
        {
            throw new FormatException($"statement line has {f.Length} fields, expected 7");
        }
        var direction = f[3] switch
        {
            "debit" => BankDirection.Debit,
            "credit" => BankDirection.Credit,
            _ => throw new FormatException($"unknown direction '{f[3]}'"),
        };
        var status = f[5] switch
        {
            "succeeded" => BankTransactionStatus.Succeeded,
            "failed" => BankTransactionStatus.Failed,
            "reversed" => BankTransactionStatus.Reversed,
            _ => throw new FormatException($"unknown status '{f[5]}'"),
        };
        var amount = long.Parse(f[4], NumberStyles.None, CultureInfo.InvariantCulture);
        var time = DateTimeOffset.ParseExact(f[6], TimeFormat, CultureInfo.InvariantCulture);
        return new BankStatementLine(f[0], f[1], f[2], direction, amount, status, time);
    }

    /// <summary>The wire name of a direction: <c>debit</c> or <c>credit</c>.</summary>
    /// <param name="direction">The direction.</param>
    public static string Name(BankDirection direction) => direction == BankDirection.Debit ? "debit" : "credit";

    /// <summary>The wire name of a status: <c>succeeded</c>, <c>failed</c>, <c>reversed</c>, <c>not_found</c> or <c>unknown</c>.</summary>
    /// <param name="status">The status.</param>
    public static string Name(BankTransactionStatus status) => status switch
    {
        BankTransactionStatus.Succeeded => "succeeded",
        BankTransactionStatus.Failed => "failed",
        BankTransactionStatus.Reversed => "reversed",
        BankTransactionStatus.NotFound => "not_found",
        _ => "unknown",
    };
}
