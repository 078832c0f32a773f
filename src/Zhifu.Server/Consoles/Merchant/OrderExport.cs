using System.Globalization;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Zhifu.Core;
using Zhifu.Data.Entities;
using Zhifu.Server.Payments;

namespace Zhifu.Server.Consoles.Merchant;

/// <summary>
/// The orders list's export (MER-3): the current filter's rows, at most <c>MerchantConsole:ExportRowsMax</c>, as CSV (UTF-8
/// with a BOM, so Excel reads the Chinese) or as an Excel workbook (.xlsx, written row by row with the Open XML SDK).
/// Amounts are yuan numbers and times China time; a text cell that a spreadsheet would take for a formula is quoted.
/// </summary>
public static class OrderExport
{
    private static readonly string[] HeadZh = ["下单时间", "商户订单号", "支付订单号", "交易类型", "交易状态", "订单金额(元)", "已退款(元)", "手续费(元)", "支付时间", "商品描述"];
    private static readonly string[] HeadEn = ["Created", "out_trade_no", "transaction_id", "Trade type", "State", "Amount (CNY)", "Refunded (CNY)", "Fee (CNY)", "Paid at", "Description"];

    private static object[] Cells(PaymentOrderRow o, DateTimeOffset now, bool english) =>
    [
        ChinaTime.Format(o.CreatedAt), o.OutTradeNo, o.TransactionId, OrderSearch.TypeText(o.TradeType, english),
        OrderSearch.StateText(TransactionView.State(o, now), english), o.TotalFen / 100m, o.RefundedFen / 100m, o.FeeFen / 100m,
        o.SuccessTime is { } paid ? ChinaTime.Format(paid) : "", o.Description,
    ];

    public static async Task CsvAsync(Stream output, IAsyncEnumerable<PaymentOrderRow> rows, DateTimeOffset now, bool english, CancellationToken ct)
    {
        await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 64 * 1024);
        await writer.WriteLineAsync(string.Join(',', english ? HeadEn : HeadZh));
        await foreach (var order in rows.WithCancellation(ct))
        {
            await writer.WriteLineAsync(string.Join(',', Cells(order, now, english).Select(Csv)));
        }
    }

    public static async Task XlsxAsync(Stream output, IAsyncEnumerable<PaymentOrderRow> rows, DateTimeOffset now, bool english, CancellationToken ct)
    {
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
                        Row(writer, english ? HeadEn : HeadZh);
                        await foreach (var order in rows.WithCancellation(ct))
                        {
                            Row(writer, Cells(order, now, english));
                        }
                        writer.WriteEndElement();
                        writer.WriteEndElement();
                    }
                    book.Workbook.AppendChild(new Sheets(new Sheet
                    {
                        Id = book.GetIdOfPart(sheetPart), SheetId = 1, Name = english ? "Orders" : "交易订单",
                    }));
                    book.Workbook.Save();
                }
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
            writer.WriteElement(value is decimal yuan
                ? new Cell { DataType = CellValues.Number, StyleIndex = 1, CellValue = new CellValue(yuan) }
                : new Cell { DataType = CellValues.InlineString, InlineString = new InlineString(new Text(Safe((string)value))) });
        }
        writer.WriteEndElement();
    }

    /// <summary>Fonts, fills and borders by default; cell format 1 shows yuan as #,##0.00.</summary>
    private static Stylesheet Stylesheet() => new(
        new Fonts(new Font()) { Count = 1 },
        new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 }))
            { Count = 2 },
        new Borders(new Border()) { Count = 1 },
        new CellFormats(new CellFormat(), new CellFormat { NumberFormatId = 4, ApplyNumberFormat = true }) { Count = 2 });

    private static string Csv(object value)
    {
        var text = value is decimal yuan ? yuan.ToString("0.00", CultureInfo.InvariantCulture) : Safe((string)value);
        return text.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }

    /// <summary>A leading = + - @ would make a spreadsheet run the cell as a formula (CSV injection): quote it.</summary>
    private static string Safe(string text) => text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + text : text;
}
