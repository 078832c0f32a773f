using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Zhifu.Data;
using Zhifu.Server.Hosting;
using Zhifu.Server.Security;

namespace Zhifu.Server.MerchantApi;

/// <summary>
/// The demo merchant's API credentials (MER-6): a merchant API key pair with its serial, an APIv3 key and the platform's
/// public key, written to <c>{data}/demo/merchant/</c> so any WeChat Pay v3 SDK can be pointed at the demo: <c>mchid</c>,
/// <c>serial</c>, <c>apiclient_key.pem</c>, <c>apiv3_key</c>, <c>platform_public_key.pem</c>, <c>platform_public_key_id</c>,
/// <c>base_url</c>, and all of it in <c>merchant.json</c>. Only the demo has its private key on our side at all.
/// </summary>
public sealed class MerchantDemoCredentials(DatabaseOptions database, MerchantCredentials credentials, PlatformKeys platform,
    MerchantApiOptions options, ServerSettings settings, IConfiguration configuration)
{
    public const string NotifyUrl = "http://127.0.0.1:9/notify";

    public async Task SeedAsync(CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var merchant = await db.Merchants.AsNoTracking().FirstOrDefaultAsync(m => m.MchId == DemoWorld.MerchantId, ct);
        if (merchant is null || await db.Set<Zhifu.Data.Entities.MerchantApiKeyRow>().AnyAsync(k => k.MerchantId == merchant.Id, ct))
        {
            return; // no demo merchant, or its keys were made on an earlier start
        }
        using var rsa = RSA.Create(2048);
        var serial = Convert.ToHexString(RandomNumberGenerator.GetBytes(20)); // 40 hex digits, like an API certificate's serial
        var apiV3Key = MerchantCredentials.NewApiV3Key();
        await credentials.AddPublicKeyAsync(merchant, serial, rsa.ExportSubjectPublicKeyInfoPem(), int.MaxValue, ct);
        await credentials.SetAsync(merchant, apiV3Key, NotifyUrl, options.DefaultFeeRatePpm, ct);
        var baseUrl = options.PublicBaseUrl ?? (configuration["urls"] ?? ServerSettings.DefaultUrl).Split(';')[0].TrimEnd('/') + "/";
        var files = new Dictionary<string, string>
        {
            ["mchid"] = merchant.MchId,
            ["serial"] = serial,
            ["apiclient_key.pem"] = rsa.ExportPkcs8PrivateKeyPem(),
            ["apiv3_key"] = apiV3Key,
            ["platform_public_key.pem"] = platform.PublicKeyPem(platform.ActiveKeyId),
            ["platform_public_key_id"] = platform.ActiveKeyId,
            ["base_url"] = baseUrl,
        };
        var directory = Path.Combine(settings.DataDirectory, "demo", "merchant");
        foreach (var (name, content) in files.Append(new KeyValuePair<string, string>("merchant.json", JsonSerializer.Serialize(files))))
        {
            SecretFiles.Write(Path.Combine(directory, name), content); // the private key and the APIv3 key among them
        }
    }
}
