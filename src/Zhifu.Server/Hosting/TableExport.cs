using System.Globalization;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Zhifu.Server.Hosting;

/// <summary>
/// Lists exported as files, one writer for every list that has an export (the merchant console's orders, the operators'
/// passwordless report): CSV in UTF-8 with a BOM (so Excel reads the Chinese) or an Excel workbook (.xlsx) written row by row
/// with the Open XML SDK. A cell is a <see cref="string"/> (text), an <see cref="int"/> or <see cref="long"/> (a count), a
/// <see cref="decimal"/> (yuan, two decimals) or a <see cref="Fixed"/> (a number with its own decimals, e.g. a rate in ‰).
/// A text cell that a spreadsheet would run as a formula is quoted (CSV injection).
/// </summary>
public static class TableExport
{
    public const string CsvType = "text/csv; charset=utf-8";
    public const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>A number written with <paramref name="Decimals"/> decimals (0–4).</summary>
    public readonly record struct Fixed(decimal Value, int Decimals);

    public static async Task CsvAsync(Stream output, IReadOnlyList<string> head, IAsyncEnumerable<object[]> rows, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(rows);
        await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 64 * 1024);
        await writer.WriteLineAsync(string.Join(',', head.Select(h => Csv(h))));
        await foreach (var cells in rows.WithCancellation(ct))
        {
            await writer.WriteLineAsync(string.Join(',', cells.Select(Csv)));
        }
    }

    /// <summary>The same CSV in memory, for a small list answered whole (a report of at most one line per merchant).</summary>
    public static async Task<byte[]> CsvBytesAsync(IReadOnlyList<string> head, IEnumerable<object[]> rows, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await CsvAsync(buffer, head, rows.ToAsyncEnumerable(), ct);
        return buffer.ToArray();
    }

    public static async Task XlsxAsync(Stream output, string sheetName, IReadOnlyList<string> head, IAsyncEnumerable<object[]> rows,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(rows);
        // A workbook is a zip, written to a temporary file (bounded memory) and then sent.
        var path = Path.GetTempFileName();
        try
        {
            await using (var file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024))
            {
                using (var document = SpreadsheetDocument.Create(file, SpreadsheetDocumentType.Workbook))
                {
                    var book = document.AddWorkbookPart();
                    book.Workbook = new Workbook();
                    var styles = book.AddNewPart<WorkbookStylesPart>();
                    styles.Stylesheet = Stylesheet();
                    var sheetPart = book.AddNewPart<WorksheetPart>();
                    using (var writer = OpenXmlWriter.Create(sheetPart))
                    {
                        writer.WriteStartElement(new Worksheet());
                        writer.WriteStartElement(new SheetData());
                        Row(writer, [.. head]);
                        await foreach (var cells in rows.WithCancellation(ct))
                        {
                            Row(writer, cells);
                        }
                        writer.WriteEndElement();
                        writer.WriteEndElement();
                    }
                    book.Workbook.AppendChild(new Sheets(new Sheet { Id = book.GetIdOfPart(sheetPart), SheetId = 1, Name = sheetName }));
                    book.Workbook.Save();
                }
            }
            await using var read = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None, 64 * 1024,
                FileOptions.Asynchronous);
            await read.CopyToAsync(output, ct);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void Row(OpenXmlWriter writer, object[] cells)
    {
        writer.WriteStartElement(new Row());
        foreach (var value in cells)
        {
            writer.WriteElement(value switch
            {
                decimal yuan => new Cell { DataType = CellValues.Number, StyleIndex = 1, CellValue = new CellValue(yuan) },
                Fixed f => new Cell
                {
                    DataType = CellValues.Number, StyleIndex = 2, CellValue = new CellValue(Math.Round(f.Value, f.Decimals)),
                },
                int n => new Cell { DataType = CellValues.Number, CellValue = new CellValue(n) },
                long n => new Cell { DataType = CellValues.Number, CellValue = new CellValue((decimal)n) },
                _ => new Cell { DataType = CellValues.InlineString, InlineString = new InlineString(new Text(Safe((string)value))) },
            });
        }
        writer.WriteEndElement();
    }

    /// <summary>Fonts, fills and borders by default; cell format 1 shows yuan as #,##0.00, format 2 one decimal (0.0).</summary>
    private static Stylesheet Stylesheet() => new(
        new NumberingFormats(new NumberingFormat { NumberFormatId = 164, FormatCode = "0.0" }) { Count = 1 },
        new Fonts(new Font()) { Count = 1 },
        new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }),
            new Fill(new PatternFill { PatternType = PatternValues.Gray125 })) { Count = 2 },
        new Borders(new Border()) { Count = 1 },
        new CellFormats(new CellFormat(), new CellFormat { NumberFormatId = 4, ApplyNumberFormat = true },
            new CellFormat { NumberFormatId = 164, ApplyNumberFormat = true }) { Count = 3 });

    private static string Csv(object value)
    {
        var text = value switch
        {
            decimal yuan => yuan.ToString("0.00", CultureInfo.InvariantCulture),
            Fixed f => Math.Round(f.Value, f.Decimals).ToString("F" + f.Decimals.ToString(CultureInfo.InvariantCulture),
                CultureInfo.InvariantCulture),
            int n => n.ToString(CultureInfo.InvariantCulture),
            long n => n.ToString(CultureInfo.InvariantCulture),
            _ => Safe((string)value),
        };
        return text.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }

    /// <summary>A leading = + - @ would make a spreadsheet run the cell as a formula (CSV injection): quote it.</summary>
    private static string Safe(string text) => text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + text : text;
}
