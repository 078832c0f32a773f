using System.Text;

namespace Zhifu.Server.Risk.Aml;

/// <summary>
/// The report files' one format (RISK-6): CSV in UTF-8 with a byte-order mark so Excel opens the Chinese right, CRLF line
/// ends (RFC 4180), one header row of "中文 English" column names, then the detail rows. A cell a spreadsheet would run as
/// a formula (leading = + - @) is prefixed with an apostrophe.
/// </summary>
public static class AmlCsv
{
    public static byte[] Write(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(rows);
        var text = new StringBuilder();
        Line(text, header);
        foreach (var row in rows)
        {
            if (row.Count != header.Count)
            {
                throw new ArgumentException($"a row has {row.Count} cells for {header.Count} columns", nameof(rows));
            }
            Line(text, row);
        }
        return [.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    private static void Line(StringBuilder text, IReadOnlyList<string> cells)
    {
        for (var i = 0; i < cells.Count; i++)
        {
            text.Append(i == 0 ? "" : ",").Append(Cell(cells[i]));
        }
        text.Append("\r\n");
    }

    private static string Cell(string value)
    {
        var safe = value.Length > 0 && value[0] is '=' or '+' or '-' or '@' ? "'" + value : value;
        return safe.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + safe.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : safe;
    }
}
