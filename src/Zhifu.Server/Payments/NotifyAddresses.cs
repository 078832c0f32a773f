using System.Net;
using System.Net.Sockets;

namespace Zhifu.Server.Payments;

/// <summary>
/// Where callbacks may go (SEC-2): a merchant's notify_url is the merchant's say, so without a guard it could make the platform
/// POST into its own network — the database, the bank channel, a cloud metadata service. Unless private networks are allowed
/// (<see cref="PaymentsOptions.NotifyPrivateNetworks"/>: by default only where the demo world is seeded), the callback
/// connection is made only to a public address of the URL's host, checked on the address actually connected to (so a name
/// that resolves elsewhere at delivery time than at order time gains nothing).
/// </summary>
public static class NotifyAddresses
{
    private static readonly IPNetwork[] NonPublic =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"), IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.0.0.0/24"),
        IPNetwork.Parse("192.168.0.0/16"), IPNetwork.Parse("198.18.0.0/15"), IPNetwork.Parse("224.0.0.0/3"),
        IPNetwork.Parse("::/128"), IPNetwork.Parse("::1/128"), IPNetwork.Parse("fc00::/7"), IPNetwork.Parse("fe80::/10"),
        IPNetwork.Parse("ff00::/8"), IPNetwork.Parse("64:ff9b::/96"), IPNetwork.Parse("64:ff9b:1::/48"), IPNetwork.Parse("::/96"),
        IPNetwork.Parse("100::/64"), IPNetwork.Parse("2001::/32"), IPNetwork.Parse("2002::/16"), IPNetwork.Parse("fec0::/10"),
    ];

    /// <summary>Loopback, private, shared, link-local, multicast, reserved or unspecified — anything but the public internet.</summary>
    public static bool IsNonPublic(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var a = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return NonPublic.Any(n => n.BaseAddress.AddressFamily == a.AddressFamily && n.Contains(a));
    }

    /// <summary>
    /// The callback client's connect step when private networks are not allowed: resolves the host and connects to its public
    /// addresses in turn until one answers; a host with none is refused (the outbox records why and retries on the protocol's
    /// schedule).
    /// </summary>
    public static async ValueTask<Stream> ConnectPublicAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        var targets = addresses.Where(a => !IsNonPublic(a)).ToList();
        if (targets.Count == 0)
        {
            throw new HttpRequestException("notify_url 的主机不是公网地址，已拒绝回调 (the notify_url host is not a public address: refused)");
        }
        for (var i = 0; ; i++)
        {
            var socket = new Socket(targets[i].AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(targets[i], context.DnsEndPoint.Port), ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException) when (i + 1 < targets.Count)
            {
                socket.Dispose(); // the next address
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
    }
}
