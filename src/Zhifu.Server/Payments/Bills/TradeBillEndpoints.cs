using System.Buffers.Text;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Zhifu.Core;
using Zhifu.Server.MerchantApi;
using Zhifu.Server.Security;

namespace Zhifu.Server.Payments.Bills;

/// <summary>
/// 申请交易账单 and 下载账单 over the merchant API: <c>GET /v3/bill/tradebill?bill_date&amp;bill_type&amp;tar_type</c> answers
/// {hash_type SHA1, hash_value of the uncompressed CSV, download_url}; the URL (a signed GET by the same merchant, valid
/// 30 s) gives the file, gzipped when asked, streamed as the database reads it. A day can be billed once it has ended in China
/// time (and <see cref="TradeBill.ReadyAt"/> has come), up to three months back.
/// </summary>
public static class TradeBillEndpoints
{
    private const int UrlSeconds = 30;
    private const int MonthsBack = 3;
    private const string TokenPurpose = "bill-download";

    public static void Map(IEndpointRouteBuilder v3)
    {
        v3.MapGet("/bill/tradebill", ApplyAsync);
        v3.MapGet("/billdownload/file", DownloadAsync).WithMetadata(V3Protocol.UnsignedAnswer.Instance);
    }

    private static async Task<IResult> ApplyAsync(string? bill_date, string? bill_type, string? tar_type, HttpContext context,
        TradeBill bills, PersonalData keys, IClock clock)
    {
        var type = bill_type ?? TradeBill.All;
        if (type is not (TradeBill.All or TradeBill.SuccessOnly or TradeBill.RefundOnly))
        {
            return V3Error.ParamError("bill_type 仅支持 ALL、SUCCESS、REFUND", "bill_type must be ALL, SUCCESS or REFUND").ToResult();
        }
        if (tar_type is not (null or "GZIP"))
        {
            return V3Error.ParamError("tar_type 仅支持 GZIP", "tar_type must be GZIP").ToResult();
        }
        if (!DateOnly.TryParseExact(bill_date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return V3Error.ParamError("bill_date 须为 yyyy-MM-dd 格式", "bill_date must be yyyy-MM-dd").ToResult();
        }
        var today = DateOnly.FromDateTime(ChinaTime.ToChina(clock.UtcNow).DateTime);
        if (day < today.AddMonths(-MonthsBack))
        {
            return V3Error.InvalidRequest("仅支持三个月内的账单下载申请，请检查 bill_date",
                "only bills of the last three months; check bill_date").ToResult();
        }
        if (clock.UtcNow < bills.ReadyAt(day))
        {
            return new V3Error(400, "STATEMENT_CREATING", "账单生成中，请在该日结束后再申请 (the bill is made once the day has ended)").ToResult();
        }
        var merchant = V3Protocol.Merchant(context).Merchant;
        if (!await bills.ExistsAsync(merchant.Id, day, type, context.RequestAborted))
        {
            return new V3Error(400, "NO_STATEMENT_EXIST", "账单文件不存在：当日无此类交易 (no transactions of this type that day)").ToResult();
        }
        var payload = string.Join('.', merchant.Id.ToString("N"), day.ToString("yyyyMMdd", CultureInfo.InvariantCulture), type,
            tar_type is null ? "0" : "1", clock.UtcNow.AddSeconds(UrlSeconds).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        var token = Base64Url.EncodeToString(Encoding.ASCII.GetBytes(payload)) + "." + Base64Url.EncodeToString(keys.BlindIndex(payload,
            TokenPurpose));
        var url = $"{context.Request.Scheme}://{context.Request.Host}/v3/billdownload/file?token={token}"
            + (tar_type is null ? "" : "&tartype=gzip");
        using var sha1 = SHA1.Create();
        await using (var hashing = new CryptoStream(Stream.Null, sha1, CryptoStreamMode.Write))
        {
            await bills.WriteAsync(merchant.Id, day, type, hashing, context.RequestAborted); // the file as the download writes it
        }
        return V3Protocol.Json(new System.Text.Json.Nodes.JsonObject
        {
            ["hash_type"] = "SHA1", ["hash_value"] = Convert.ToHexStringLower(sha1.Hash!), ["download_url"] = url,
        });
    }

    private static async Task<IResult> DownloadAsync(string? token, HttpContext context, TradeBill bills, PersonalData keys, IClock clock)
    {
        var parts = token?.Split('.') ?? [];
        string[] fields;
        try
        {
            var payload = parts.Length == 2 ? Encoding.ASCII.GetString(Base64Url.DecodeFromChars(parts[0])) : "";
            fields = payload.Split('.');
            if (fields.Length != 5 || !CryptographicOperations.FixedTimeEquals(Base64Url.DecodeFromChars(parts[1]),
                keys.BlindIndex(payload, TokenPurpose)))
            {
                fields = [];
            }
        }
        catch (FormatException)
        {
            fields = [];
        }
        if (fields.Length == 0 || clock.UtcNow.ToUnixTimeSeconds() > long.Parse(fields[4], CultureInfo.InvariantCulture))
        {
            return V3Error.InvalidRequest("下载地址无效或已过期，请重新申请账单",
                "the download URL is invalid or expired; apply for the bill again").ToResult();
        }
        var merchant = V3Protocol.Merchant(context).Merchant;
        if (fields[0] != merchant.Id.ToString("N"))
        {
            return new V3Error(403, "NO_AUTH", "请检查本次请求的商户是否与申请账单的商户一致 (another merchant's bill)").ToResult();
        }
        var day = DateOnly.ParseExact(fields[1], "yyyyMMdd", CultureInfo.InvariantCulture);
        var (type, gzip) = (fields[2], fields[3] == "1");
        // Written whole to a temporary file first, then sent from it: a day of any size in constant memory, the database's
        // reads over before a slow client reads the answer, and a failure while writing answered as one (nothing sent yet).
        var file = new FileStream(Path.GetTempFileName(), FileMode.Open, FileAccess.ReadWrite, FileShare.None, 64 * 1024,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            if (gzip)
            {
                await using var zip = new GZipStream(file, CompressionLevel.Optimal, leaveOpen: true);
                await bills.WriteAsync(merchant.Id, day, type, zip, context.RequestAborted);
            }
            else
            {
                await bills.WriteAsync(merchant.Id, day, type, file, context.RequestAborted);
            }
            file.Position = 0;
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
        return Results.Stream(file, gzip ? "application/x-gzip" : "text/csv; charset=utf-8"); // disposed (deleted) once sent
    }
}
