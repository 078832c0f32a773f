namespace Zhifu.Server.MerchantApi;

/// <summary>Settings of the merchant API (section <c>MerchantApi</c>).</summary>
public sealed record MerchantApiOptions
{
    /// <summary>How far a request's timestamp may be from our clock (the protocol's 5 minutes), in seconds.</summary>
    public int TimestampWindowSeconds { get; init; } = 300;

    /// <summary>Largest request body accepted under /v3, in bytes.</summary>
    public int RequestBodyBytesMax { get; init; } = 16 * 1024;

    /// <summary>Fee rate of a merchant provisioned without one, in parts per million (6000 = 0.6 %).</summary>
    public int DefaultFeeRatePpm { get; init; } = 6000;

    /// <summary>The base URL written into the demo merchant's files (what an SDK's baseURL should be).</summary>
    public string? PublicBaseUrl { get; init; }

    /// <summary>Requests one merchant may make per minute, sustained (1,000 a second).</summary>
    public int RequestsPerMinute { get; init; } = 60_000;

    /// <summary>Requests one merchant may make at once above the sustained rate.</summary>
    public int RequestBurst { get; init; } = 2_000;

    /// <summary>How long a server process keeps a merchant's credentials and keys in memory, in seconds.</summary>
    public int CredentialCacheSeconds { get; init; } = 10;
}
