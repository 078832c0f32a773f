using System.Globalization;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Zhifu.Server.Consoles;

/// <summary>
/// A console list's export (MER-3, the operator lists): a head and rows as CSV (UTF-8 with a BOM, so Excel reads the Chinese)
/// or as an Excel workbook (.xlsx, written row by row with the Open XML SDK). A cell is text, a yuan amount (a decimal,
/// written as a number shown #,##0.00), a count (<see cref="int"/> or <see cref="long"/>) or a <see cref="Fixed"/> number
/// (e.g. a rate in ‰ with one decimal); a text cell that a spreadsheet would take for a formula is quoted. Callers cap the rows.
/// The Operator API's passwordless report file is written here too.
/// </summary>
public static class SheetExport
{
    public const string Csv = "csv";
    public const string Xlsx = "xlsx";
    public const string CsvType = "text/csv; charset=utf-8";
    public const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>A number written with <paramref name="Decimals"/> decimals: in Excel shown with one decimal (0.0).</summary>
    public readonly record struct Fixed(decimal Value, int Decimals);

    /// <summary>Sends the rows as a download named <paramref name="fileStem"/>.csv or .xlsx.</summary>
    public static async Task SendAsync(HttpResponse response, string format, string fileStem, string sheetName, string[] head,
        IAsyncEnumerable<object[]> rows, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Headers.ContentDisposition = $"attachment; filename=\"{fileStem}.{format}\"";
        response.ContentType = format == Csv ? CsvType : XlsxType;
        if (format == Csv)
        {
            await CsvAsync(response.Body, head, rows, ct);
        }
        else
        {
            await XlsxAsync(response.Body, sheetName, head, rows, ct);
        }
    }

    public static async Task CsvAsync(Stream output, string[] head, IAsyncEnumerable<object[]> rows, CancellationToken ct)
    {
        await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 64 * 1024);
        await writer.WriteLineAsync(string.Join(',', head.Select(CsvCell)));
        await foreach (var row in rows.WithCancellation(ct))
        {
            await writer.WriteLineAsync(string.Join(',', row.Select(CsvCell)));
        }
    }

    public static async Task XlsxAsync(Stream output, string sheetName, string[] head, IAsyncEnumerable<object[]> rows, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(output);
        // A workbook is a zip, written to a temporary file (bounded memory) and then sent.
        var path = Path.GetTempFileName();
        try
        {
            await using (var file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024))
            {
                using var document = SpreadsheetDocument.Create(file, SpreadsheetDocumentType.Workbook);
                var book = document.AddWorkbookPart();
                book.Workbook = new Workbook();
                var styles = book.AddNewPart<WorkbookStylesPart>();
                styles.Stylesheet = Stylesheet();
                var sheetPart = book.AddNewPart<WorksheetPart>();
                using (var writer = OpenXmlWriter.Create(sheetPart))
                {
                    writer.WriteStartElement(new Worksheet());
                    writer.WriteStartElement(new SheetData());
                    Row(writer, head);
                    await foreach (var row in rows.WithCancellation(ct))
                    {
                        Row(writer, row);
                    }
                    writer.WriteEndElement();
                    writer.WriteEndElement();
                }
                book.Workbook.AppendChild(new Sheets(new Sheet { Id = book.GetIdOfPart(sheetPart), SheetId = 1, Name = sheetName }));
                book.Workbook.Save();
            }
            await using var read = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None, 64 * 1024, FileOptions.Asynchronous);
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
        new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 }))
            { Count = 2 },
        new Borders(new Border()) { Count = 1 },
        new CellFormats(new CellFormat(), new CellFormat { NumberFormatId = 4, ApplyNumberFormat = true },
            new CellFormat { NumberFormatId = 164, ApplyNumberFormat = true }) { Count = 3 });

    private static string CsvCell(object value)
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
