using System.Threading.RateLimiting;

namespace Zhifu.Server.MerchantApi;

/// <summary>
/// 频率限制: each merchant's requests to the merchant API go through its own token bucket (<c>MerchantApi:RequestsPerMinute</c>,
/// <c>MerchantApi:RequestBurst</c>), so one merchant's flood cannot starve the others. Checked after the signature verifies
/// (strangers cannot spend a merchant's tokens) and before anything is written (a refused request burns no nonce).
/// </summary>
public sealed class MerchantRateLimits : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public MerchantRateLimits(MerchantApiOptions options)
    {
        var perMinute = Math.Max(1, options.RequestsPerMinute);
        // at least one token per period: under 60 a minute, one token every 60/perMinute seconds
        var (tokens, period) = perMinute >= 60
            ? (perMinute / 60, TimeSpan.FromSeconds(1))
            : (1, TimeSpan.FromSeconds(60.0 / perMinute));
        _limiter = PartitionedRateLimiter.Create<string, string>(mchId => RateLimitPartition.GetTokenBucketLimiter(mchId,
            _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = Math.Max(1, options.RequestBurst), TokensPerPeriod = tokens, ReplenishmentPeriod = period,
                QueueLimit = 0, AutoReplenishment = true,
            }));
    }

    /// <summary>True when the merchant may make one more request now.</summary>
    public bool TryAcquire(string mchId)
    {
        using var lease = _limiter.AttemptAcquire(mchId);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
