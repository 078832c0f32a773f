using Microsoft.Extensions.Options;

namespace Zhifu.Server.Banking;

/// <summary>Settings of the bank channel, section <c>Bank</c>.</summary>
public sealed class BankOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Bank";

    /// <summary>Base URL of zhifu-bank, e.g. <c>http://127.0.0.1:5090</c>. Empty: the server starts the simulator itself.</summary>
    public string? Url { get; set; }

    /// <summary>How long one call waits for the bank before its outcome counts as unknown (CARD-4).</summary>
    public int TimeoutMs { get; set; } = 3000;

    /// <summary>Data folder of a simulator the server starts (its bank.db lives there).</summary>
    public string DataDir { get; set; } = Path.Combine("data", "bank");

    /// <summary>Attempts per query; only queries are retried, because only they are safe to repeat blindly.</summary>
    public int QueryAttemptsMax { get; set; } = 3;

    /// <summary>How long a started simulator may take to answer /healthz.</summary>
    public int StartupTimeoutMs { get; set; } = 30_000;

    /// <summary>Null when the settings are usable; otherwise what is wrong.</summary>
    public string? Problem() =>
        Url is { Length: > 0 } && !Uri.TryCreate(Url, UriKind.Absolute, out _) ? "Bank:Url must be an absolute URL or empty"
        : TimeoutMs is < 50 or > 120_000 ? "Bank:TimeoutMs must be 50..120000"
        : QueryAttemptsMax is < 1 or > 10 ? "Bank:QueryAttemptsMax must be 1..10"
        : StartupTimeoutMs is < 1000 or > 300_000 ? "Bank:StartupTimeoutMs must be 1000..300000"
        : string.IsNullOrWhiteSpace(DataDir) ? "Bank:DataDir must not be empty"
        : null;
}

/// <summary>Refuses unusable <see cref="BankOptions"/> at start with the reason, not later on the first bank call.</summary>
internal sealed class BankOptionsValidation : IValidateOptions<BankOptions>
{
    public ValidateOptionsResult Validate(string? name, BankOptions options) =>
        options.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
