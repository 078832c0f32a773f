using System.Security.Claims;
using Zhifu.Server.Accounts;

namespace Zhifu.Server.Risk;

/// <summary>
/// Where a wallet request comes from, as risk control keeps it (RISK-2 device and location): the signed-in session's device
/// as its keyed blind index, and the coarse region the app reports in <c>X-Zhifu-Region</c> (a 6-digit 行政区划代码).
/// </summary>
public sealed record RiskOrigin(string? DeviceKey, string? Region)
{
    public const string RegionHeader = "X-Zhifu-Region";
    public static readonly RiskOrigin Unknown = new(null, null);

    public static RiskOrigin Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var device = context.User.FindFirstValue(WalletPrincipal.DeviceClaim);
        var region = context.Request.Headers[RegionHeader].ToString();
        return new RiskOrigin(
            device is null ? null : context.RequestServices.GetRequiredService<RiskLists>().DeviceKey(device),
            region.Length == 6 && region.All(char.IsAsciiDigit) ? region : null);
    }
}
