using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Lifecycle;
using Zhifu.Server.Merchants;
using Zhifu.Server.Security;

namespace Zhifu.Server.Face;

/// <summary>A merchant's registration of a face-pay terminal (FACE-5).</summary>
public sealed record TerminalRegistration(string? StoreName, string? Model, string? PublicKeyPem, string? CertLab, string? CertNumber,
    DateOnly? CertExpiresOn);

/// <summary>
/// 刷脸终端 (FACE-5): merchants register terminals under their stores with the terminal's own RSA public key and its model's
/// security certification; risk operators certify (or reject) them, audited; merchants disable a terminal, move it to another
/// store or rotate its key. A terminal's request is accepted only when it is certified and enabled, its certificate has not
/// expired, its merchant is active and on the face-pay whitelist (<c>FacePayEligible</c>), and its signature verifies with
/// its key over the exact request, within ±5 minutes and with a nonce never seen before.
/// </summary>
public sealed class FaceTerminals(DatabaseOptions database, MerchantApi.RequestNonces nonces, MerchantApi.MerchantApiOptions options,
    AuditLog audit, IClock clock)
{
    public const string TerminalHeader = "Zhifu-Terminal";
    public const string TimestampHeader = "Zhifu-Timestamp";
    public const string NonceHeader = "Zhifu-Nonce";
    public const string SignatureHeader = "Zhifu-Signature";

    /// <summary>A new terminal, pending certification; null and the field at fault when something is wrong.</summary>
    public async Task<(FaceTerminalRow? Terminal, string? Field)> RegisterAsync(Guid merchantId, TerminalRegistration r, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        var publicKey = RsaPublicKeys.Normalize(r.PublicKeyPem);
        var field = Text(r.StoreName, 64) ? Text(r.Model, 64) ? publicKey is null ? "publicKeyPem"
            : Text(r.CertLab, 64) ? Text(r.CertNumber, 64) ? r.CertExpiresOn is null || r.CertExpiresOn <= Today() ? "certExpiresOn"
            : null : "certNumber" : "certLab" : "model" : "storeName";
        if (field is not null)
        {
            return (null, field);
        }
        await using var db = database.CreateContext();
        var merchant = await db.Merchants.AsNoTracking().FirstAsync(m => m.Id == merchantId, ct);
        var row = new FaceTerminalRow
        {
            Id = Guid.CreateVersion7(), TerminalId = "FT" + RandomDigits.Of(14), MerchantId = merchantId, MchId = merchant.MchId,
            StoreName = r.StoreName!.Trim(), Model = r.Model!.Trim(), PublicKeyPem = publicKey!, CertLab = r.CertLab!.Trim(),
            CertNumber = r.CertNumber!.Trim(), CertExpiresOn = r.CertExpiresOn!.Value, State = FaceTerminalRow.Pending, CreatedAt = clock.UtcNow,
        };
        db.Add(row);
        await db.SaveChangesAsync(ct);
        return (row, null);
    }

    /// <summary>A risk operator certifies or rejects a pending terminal with a note of 2–200 characters saying why (audited) — the
    /// Operator API and the console alike. Null when done, else the refusal's code (<see cref="Explain"/>), nothing changed.</summary>
    public async Task<string?> ReviewAsync(string terminalId, bool certify, string? note, OperatorActor by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(by);
        note = note?.Trim();
        if (note is not { Length: >= 2 and <= 200 })
        {
            return "FACE_TERMINAL_INVALID_NOTE";
        }
        await using var db = database.CreateContext();
        var row = await db.Set<FaceTerminalRow>().FirstOrDefaultAsync(t => t.TerminalId == terminalId && t.State == FaceTerminalRow.Pending, ct);
        if (row is null)
        {
            return "FACE_TERMINAL_NOT_PENDING";
        }
        (row.State, row.ReviewedBy, row.ReviewNote, row.ReviewedAt) =
            (certify ? FaceTerminalRow.Certified : FaceTerminalRow.Rejected, by.Username, note, clock.UtcNow);
        row.Version++;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return "FACE_TERMINAL_NOT_PENDING"; // its merchant changed it meanwhile: nothing written
        }
        await audit.AppendAsync(by.Username, by.Role, certify ? "face-terminal.certify" : "face-terminal.reject", terminalId, note);
        return null;
    }

    /// <summary>
    /// The merchant (an admin: <paramref name="by"/>) disables a terminal, moves it to another store, or gives it a new key.
    /// Certification vouches for the device that holds the key (FACE-5), so a new key sends a certified (or rejected) terminal
    /// back to pending until risk certifies it again — else any software given a new key would take face payments as a
    /// certified terminal; the change is audited. Null when done, else the field at fault or "not-found".
    /// </summary>
    public Task<string?> ChangeAsync(ClaimsPrincipal by, string terminalId, bool? disable, string? storeName, string? publicKeyPem,
        CancellationToken ct) => ChangeOwnAsync(by, terminalId, "face-terminal.change", row =>
        {
            if (storeName is not null && !Text(storeName, 64))
            {
                return (null, "storeName");
            }
            var publicKey = RsaPublicKeys.Normalize(publicKeyPem);
            if (publicKeyPem is not null && publicKey is null)
            {
                return (null, "publicKeyPem");
            }
            if (disable == true)
            {
                row.State = FaceTerminalRow.Disabled;
            }
            row.StoreName = storeName?.Trim() ?? row.StoreName;
            if (publicKey is not null)
            {
                (row.PublicKeyPem, row.KeyRotatedAt) = (publicKey, clock.UtcNow);
                if (row.State is FaceTerminalRow.Certified or FaceTerminalRow.Rejected)
                {
                    (row.State, row.ReviewedBy, row.ReviewNote, row.ReviewedAt) = (FaceTerminalRow.Pending, null, null, null);
                }
            }
            return (string.Join(' ', new[] { disable == true ? "disable" : null, storeName is null ? null : "store",
                publicKey is null ? null : "key" }.Where(c => c is not null)), null);
        }, ct);

    /// <summary>
    /// FACE-5: the merchant's admin enables a disabled terminal again. It goes back to pending — a terminal may have been
    /// disabled because it was lost or tampered with, so risk certifies it again before it takes a face payment; audited.
    /// Null when done, else "not-found", "not-disabled" or "changed".
    /// </summary>
    public Task<string?> EnableAsync(ClaimsPrincipal by, string terminalId, CancellationToken ct) =>
        ChangeOwnAsync(by, terminalId, "face-terminal.enable", row =>
        {
            if (row.State != FaceTerminalRow.Disabled)
            {
                return (null, "not-disabled");
            }
            (row.State, row.ReviewedBy, row.ReviewNote, row.ReviewedAt) = (FaceTerminalRow.Pending, null, null, null);
            return ("enable", null);
        }, ct);

    /// <summary>
    /// One change of the signed-in merchant's own terminal: <paramref name="apply"/> changes the row and says what changed,
    /// or refuses (nothing written); saved under the row's version ("changed" when a review or another change came first)
    /// and audited as <paramref name="action"/>.
    /// </summary>
    private async Task<string?> ChangeOwnAsync(ClaimsPrincipal by, string terminalId, string action,
        Func<FaceTerminalRow, (string? Changes, string? Refusal)> apply, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(by);
        var merchantId = by.MerchantId();
        await using var db = database.CreateContext();
        var row = await db.Set<FaceTerminalRow>().FirstOrDefaultAsync(t => t.TerminalId == terminalId && t.MerchantId == merchantId, ct);
        if (row is null)
        {
            return "not-found";
        }
        var (changes, refusal) = apply(row);
        if (refusal is not null)
        {
            return refusal;
        }
        row.Version++;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return "changed"; // reviewed or changed by someone else meanwhile: nothing written, look again
        }
        await audit.AppendAsync("merchant:" + by.Identity!.Name, by.FindFirstValue(ClaimTypes.Role)!, action, terminalId,
            $"{changes}; state {row.State}");
        return null;
    }

    public async Task<IReadOnlyList<FaceTerminalRow>> ListAsync(Guid? merchantId, string? state, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.Set<FaceTerminalRow>().AsNoTracking()
            .Where(t => (merchantId == null || t.MerchantId == merchantId) && (state == null || t.State == state))
            .OrderByDescending(t => t.CreatedAt).Take(200).ToListAsync(ct);
    }

    /// <summary>
    /// Authenticates a terminal's request (FACE-5): the terminal, the signature over
    /// <c>METHOD\nPATH\nTIMESTAMP\nNONCE\nBODY\n</c> (RSA-SHA256, PKCS#1 v1.5, base64) with its key, the time, the nonce, and
    /// every condition for taking face payments. The terminal, or the refusal's code.
    /// </summary>
    public async Task<(FaceTerminalRow? Terminal, string? Refusal)> AuthenticateAsync(HttpRequest request, byte[] body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var terminalId = request.Headers[TerminalHeader].ToString();
        var nonce = request.Headers[NonceHeader].ToString();
        if (terminalId.Length is 0 or > 32 || nonce.Length is < 8 or > 64
            || !long.TryParse(request.Headers[TimestampHeader], out var timestamp))
        {
            return (null, "TERMINAL_SIGNATURE_MISSING");
        }
        await using var db = database.CreateContext();
        var row = await db.Set<FaceTerminalRow>().AsNoTracking().FirstOrDefaultAsync(t => t.TerminalId == terminalId, ct);
        if (row is null)
        {
            return (null, "TERMINAL_UNKNOWN");
        }
        var message = Encoding.UTF8.GetBytes($"{request.Method}\n{request.Path}{request.QueryString}\n{timestamp}\n{nonce}\n")
            .Concat(body).Concat("\n"u8.ToArray()).ToArray();
        using var key = KeyOf(row.PublicKeyPem);
        byte[] signature;
        try
        {
            signature = Convert.FromBase64String(request.Headers[SignatureHeader].ToString());
        }
        catch (FormatException)
        {
            return (null, "TERMINAL_SIGNATURE_INVALID");
        }
        if (key is null || !key.VerifyData(message, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
        {
            return (null, "TERMINAL_SIGNATURE_INVALID");
        }
        // the merchant API's window (MerchantApi:TimestampWindowSeconds, 5 minutes), which is also how long nonces are kept
        // for: a window of its own could outlast the nonces and let a request be replayed
        if (Math.Abs(clock.UtcNow.ToUnixTimeSeconds() - timestamp) > options.TimestampWindowSeconds)
        {
            return (null, "TERMINAL_TIMESTAMP_EXPIRED");
        }
        if (!await nonces.TryUseAsync("terminal:" + terminalId, nonce, ct))
        {
            return (null, "TERMINAL_NONCE_REUSED");
        }
        var merchant = await db.Merchants.AsNoTracking().FirstAsync(m => m.Id == row.MerchantId, ct);
        return row.State switch
        {
            FaceTerminalRow.Disabled => (null, "TERMINAL_DISABLED"),
            not FaceTerminalRow.Certified => (null, "TERMINAL_NOT_CERTIFIED"),
            _ when row.CertExpiresOn < Today() => (null, "TERMINAL_CERTIFICATE_EXPIRED"),
            _ when merchant.Status != MerchantRow.Active || !merchant.FacePayEligible => (null, "MERCHANT_NOT_FACE_PAY_ELIGIBLE"),
            _ => (row, null),
        };
    }

    /// <summary>What a refusal (of a terminal's request, or of a review) means, Chinese and English, and its HTTP status.</summary>
    public static (int Status, string Zh, string En) Explain(string refusal) => refusal switch
    {
        "TERMINAL_SIGNATURE_MISSING" => (401, "缺少终端签名信息", "The terminal's signature headers are missing"),
        "TERMINAL_UNKNOWN" => (401, "终端未注册", "Unknown terminal"),
        "TERMINAL_SIGNATURE_INVALID" => (401, "终端签名验证失败", "The terminal's signature does not verify"),
        "TERMINAL_TIMESTAMP_EXPIRED" => (401, "请求时间与平台相差超过 5 分钟", "The request's time is more than 5 minutes off"),
        "TERMINAL_NONCE_REUSED" => (401, "请求随机串重复", "The nonce was used before"),
        "TERMINAL_DISABLED" => (403, "终端已停用", "The terminal is disabled"),
        "TERMINAL_NOT_CERTIFIED" => (403, "终端未通过安全认证", "The terminal is not certified"),
        "TERMINAL_CERTIFICATE_EXPIRED" => (403, "终端安全认证已过期", "The terminal's certification has expired"),
        "FACE_TERMINAL_INVALID_NOTE" => (400, "请填写 2–200 字的审核说明", "Give a note of 2–200 characters"),
        "FACE_TERMINAL_NOT_PENDING" => (409, "终端不存在或已审核", "No such terminal awaiting review"),
        _ => (403, "商户不在刷脸支付白名单中", "The merchant may not take face payments"),
    };

    private DateOnly Today() => DateOnly.FromDateTime(ChinaTime.ToChina(clock.UtcNow).DateTime);

    private static bool Text(string? value, int max) => value?.Trim() is { Length: > 0 } t && t.Length <= max;

    /// <summary>An RSA public key of 2048 bits or more from PEM, or null.</summary>
    private static RSA? KeyOf(string? pem)
    {
        if (pem is not { Length: > 0 and <= 2048 })
        {
            return null;
        }
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            if (rsa.KeySize >= 2048)
            {
                return rsa;
            }
        }
        catch (ArgumentException)
        {
            // not a PEM key
        }
        catch (CryptographicException)
        {
            // not an RSA key
        }
        rsa.Dispose();
        return null;
    }
}
