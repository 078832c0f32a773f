using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Zhifu.Server.Hosting;

/// <summary>
/// Behind a TLS-terminating reverse proxy (section <c>Hosting:TrustedProxies</c>: addresses or CIDR networks of the proxies):
/// the client's scheme, host and address come from that proxy's <c>X-Forwarded-Proto</c> / <c>-Host</c> / <c>-For</c>, so
/// session cookies are <c>Secure</c> over https, the bill's download_url names the public address, and the logs the client.
/// Headers from anyone else are ignored; none are trusted unless configured.
/// </summary>
public static class TrustedProxies
{
    public const string Section = "Hosting:TrustedProxies";

    /// <summary>Trusts the configured proxies' forwarded headers (the pipeline reads them first of all when any is configured).</summary>
    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        var proxies = configuration.GetSection(Section).Get<string[]>() ?? [];
        if (proxies.Length == 0)
        {
            return;
        }
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            o.ForwardLimit = 1; // the proxy's own view of the client, nothing the client wrote before it
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in proxies)
            {
                if (System.Net.IPNetwork.TryParse(proxy, out var network) && proxy.Contains('/', StringComparison.Ordinal))
                {
                    o.KnownIPNetworks.Add(network);
                }
                else if (IPAddress.TryParse(proxy, out var address))
                {
                    o.KnownProxies.Add(address);
                }
                else
                {
                    throw new InvalidOperationException($"{Section}: '{proxy}' is neither an IP address nor a CIDR network");
                }
            }
        });
    }
}
