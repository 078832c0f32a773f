namespace Zhifu.Server.Lifecycle;

/// <summary>Where business is done: 柜面 (at the counter, staff checking the holder) or 非柜面 (app, web, SMS, terminals).</summary>
public enum BusinessChannel
{
    NonCounter,
    Counter,
}

/// <summary>Which way money moves for the wallet.</summary>
public enum MoneyDirection
{
    /// <summary>Money arrives: top-up, incoming transfer, refund.</summary>
    In,

    /// <summary>Money leaves: payment, transfer out, withdrawal.</summary>
    Out,
}

/// <summary>The kind of money business a feature is about to do for a wallet, as far as restrictions care (ACC-4 … ACC-6).</summary>
public readonly record struct Business(BusinessChannel Channel, MoneyDirection Direction)
{
    /// <summary>Paying, transferring or withdrawing from the app or a terminal.</summary>
    public static Business NonCounterOut { get; } = new(BusinessChannel.NonCounter, MoneyDirection.Out);

    /// <summary>Topping up or receiving money through the app or from another user.</summary>
    public static Business NonCounterIn { get; } = new(BusinessChannel.NonCounter, MoneyDirection.In);

    /// <summary>Money out handled by staff at the counter (e.g. paying out a restricted holder's balance).</summary>
    public static Business CounterOut { get; } = new(BusinessChannel.Counter, MoneyDirection.Out);

    /// <summary>Money in handled by staff at the counter.</summary>
    public static Business CounterIn { get; } = new(BusinessChannel.Counter, MoneyDirection.In);
}
