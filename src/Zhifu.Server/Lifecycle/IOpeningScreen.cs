using Zhifu.Server.Accounts;

namespace Zhifu.Server.Lifecycle;

/// <summary>Who wants a new wallet: the phone, and the ID number and device when they are known.</summary>
public sealed record OpeningSubject(string Phone, string? IdNumber, string? DeviceId);

/// <summary>
/// Asked before a wallet is opened, and again when an ID number is first tied to a wallet (real-name verification):
/// persons listed for trading accounts or a false identity are refused new accounts for the configured years (ACC-5).
/// </summary>
public interface IOpeningScreen
{
    /// <summary>The refusal, or null when the subject may open a wallet.</summary>
    Task<WalletError?> RefusalAsync(OpeningSubject subject, CancellationToken cancellationToken);
}
