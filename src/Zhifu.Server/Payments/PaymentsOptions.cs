namespace Zhifu.Server.Payments;

/// <summary>Settings of merchant payments (section <c>Payments</c>).</summary>
public sealed record PaymentsOptions
{
    /// <summary>How long an order without time_expire can be paid, in minutes.</summary>
    public int DefaultExpiryMinutes { get; init; } = 120;

    /// <summary>How often the worker delivers notifications and recovers interrupted payments, in milliseconds.</summary>
    public int WorkerIntervalMs { get; init; } = 500;

    /// <summary>A payment still PAYING after this long was interrupted (e.g. a crash) and is submitted again, in seconds.</summary>
    public int PayingRecoverySeconds { get; init; } = 30;

    /// <summary>Timeout of one notification POST, in seconds.</summary>
    public int NotifyTimeoutSeconds { get; init; } = 5;

    /// <summary>
    /// Whether callbacks may go to loopback, private and other non-public addresses (<see cref="NotifyAddresses"/>). Unset: only
    /// where the demo world is seeded (<c>Demo:Seed</c>, a machine of one's own); a production deployment (<c>Demo:Seed=false</c>)
    /// posts to public addresses only unless this says otherwise (e.g. merchants on a private line).
    /// </summary>
    public bool? NotifyPrivateNetworks { get; init; }

    /// <summary>Notification POSTs in flight at once (a round attempts at most 32).</summary>
    public int NotifyConcurrency { get; init; } = 8;

    /// <summary>Of those, at most this many to one merchant: a merchant whose endpoint is silent holds its own share, never
    /// every slot (its retries are always the oldest due rows).</summary>
    public int NotifyPerMerchant { get; init; } = 2;

    /// <summary>Refunds one order may have, closed ones included (the protocol allows 50).</summary>
    public int RefundsPerOrderMax { get; init; } = 50;

    /// <summary>How long after payment an order can still be refunded, in days (the protocol: one year).</summary>
    public int RefundWindowDays { get; init; } = 365;

    /// <summary>How long a wallet's payment code (付款码) can be charged, in seconds (the industry's "about a minute").</summary>
    public int PaymentCodeSeconds { get; init; } = 60;

    /// <summary>How long a payment-code charge waits for the payer to confirm it in the wallet (USERPAYING), in seconds.</summary>
    public int PaymentCodeConfirmSeconds { get; init; } = 120;

    /// <summary>The largest order any merchant may create, in fen (a merchant's own limit may be lower): ¥500,000.</summary>
    public long OrderAmountMaxFen { get; init; } = 50_000_000;
}
