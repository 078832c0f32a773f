using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;

namespace Zhifu.Server.Lifecycle;

/// <summary>
/// The holder's confirmation of a lifecycle step (unfreeze, closure, reactivation): the payment password (with its
/// lockout, ACC-7) and a one-time code texted to the bound phone for that very purpose.
/// </summary>
public sealed class HolderConfirmation(WalletCredentials credentials, OneTimeCodes codes)
{
    /// <summary>One-time code purposes of the lifecycle; a code for one never works for another.</summary>
    public static readonly IReadOnlySet<string> Purposes = new HashSet<string>(StringComparer.Ordinal)
    {
        Unfreeze, CloseAccount, Reactivate,
    };

    public const string Unfreeze = "unfreeze";
    public const string CloseAccount = "close-account";
    public const string Reactivate = "reactivate";

    /// <summary>Both parts present and of a sane size — checked before anything is counted or spent.</summary>
    public static bool IsWellFormed(string? paymentPassword, string? otp) =>
        paymentPassword is { Length: > 0 and <= 64 } && otp is { Length: > 0 and <= 16 };

    /// <summary>Null when the payment password and the code for <paramref name="purpose"/> are right.</summary>
    public async Task<WalletError?> ConfirmAsync(UserRow user, string? paymentPassword, string? otp, string purpose,
        CancellationToken cancellationToken)
    {
        if (!IsWellFormed(paymentPassword, otp))
        {
            return LifecycleErrors.ConfirmationRequired;
        }
        if (user.PhoneIndex is null)
        {
            return LifecycleErrors.NumberDetached; // no bound phone to text a code to: only the counter can help
        }
        if (await credentials.VerifyPaymentPasswordAsync(user.Id, paymentPassword, cancellationToken) is { } refused)
        {
            return refused;
        }
        return await codes.ConsumeAsync(credentials.PhoneOf(user), purpose, otp, cancellationToken) ? null : WalletErrors.BadCode;
    }
}
