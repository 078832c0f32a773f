using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Hosting;
using Zhifu.Server.Lifecycle;
using Zhifu.Server.Merchants;
using Zhifu.Server.Security;

namespace Zhifu.Server.Face;

/// <summary>The demo face-pay terminal as the simulator reads it from <c>{data}/demo/face-terminal/terminal.json</c>.</summary>
public sealed record DemoTerminal(string TerminalId, string PrivateKeyPem, string StoreName);

/// <summary>
/// The demo's face-pay terminal (FACE-5), so a newcomer can try a face payment at once: the demo café is put on the face-pay
/// whitelist and registers one terminal, which risk certifies — through the same services (and audit) as the consoles, as
/// <c>demo:operations</c> / <c>demo:risk</c>. The terminal's private key is written to
/// <c>{data}/demo/face-terminal/terminal.json</c> (owner-only) for the terminal simulator (<c>/face-terminal</c>). Nobody's face
/// is enrolled: that takes the user's consent in the wallet. Runs once, with the demo world, when <c>Demo:FaceTerminal</c>
/// is on (the default; tests turn it off unless they want it).
/// </summary>
public sealed class FaceDemo(DatabaseOptions database, FaceTerminals terminals, MerchantOnboarding onboarding, ServerSettings settings,
    ILogger<FaceDemo> logger)
{
    public const string StoreName = "国贸店 Guomao store";

    private string FilePath => Path.Combine(settings.DataDirectory, "demo", "face-terminal", "terminal.json");

    public async Task SeedAsync(CancellationToken ct)
    {
        await using var db = database.CreateContext();
        if (Load() is { } seeded && await db.Set<FaceTerminalRow>().AnyAsync(t => t.TerminalId == seeded.TerminalId, ct))
        {
            return; // seeded before (a file whose terminal this database does not know — a reset database — is seeded anew)
        }
        var merchantId = await db.Merchants.Where(m => m.MchId == DemoWorld.MerchantId).Select(m => m.Id).FirstOrDefaultAsync(ct);
        if (merchantId == Guid.Empty)
        {
            return;
        }
        var (_, refusal) = await onboarding.ChangeTermsAsync(DemoWorld.MerchantId, new MerchantTerms(null, null, null, true, null),
            new OperatorActor("demo:operations", "operations"), ct);
        if (refusal is not null)
        {
            logger.LogWarning("demo face terminal not seeded: the demo café could not be whitelisted ({Refusal})", refusal);
            return;
        }
        using var key = RSA.Create(2048);
        var (terminal, field) = await terminals.RegisterAsync(merchantId, new TerminalRegistration(StoreName, "ZF-FP1 刷脸终端（演示）",
            key.ExportSubjectPublicKeyInfoPem(), "银行卡检测中心（演示）", "BCTC-DEMO-0001", new DateOnly(2099, 12, 31)), ct);
        var review = terminal is null ? null
            : await terminals.ReviewAsync(terminal.TerminalId, true, "演示终端", new OperatorActor("demo:risk", "risk"), ct);
        if (terminal is null || review is not null)
        {
            logger.LogWarning("demo face terminal not seeded: {Refusal}", field ?? review);
            return;
        }
        SecretFiles.Write(FilePath, JsonSerializer.Serialize(new DemoTerminal(terminal.TerminalId, key.ExportPkcs8PrivateKeyPem(), StoreName)));
        logger.LogInformation("demo face terminal {TerminalId} certified; key in {Path}", terminal.TerminalId, FilePath);
    }

    /// <summary>The demo terminal, or null when none was seeded here.</summary>
    public DemoTerminal? Load() => File.Exists(FilePath) ? JsonSerializer.Deserialize<DemoTerminal>(File.ReadAllText(FilePath)) : null;
}
