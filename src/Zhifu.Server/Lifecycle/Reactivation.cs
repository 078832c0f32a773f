using Zhifu.Core.Banking;
using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;
using Zhifu.Server.Security;

namespace Zhifu.Server.Lifecycle;

/// <summary>
/// Lifting dormancy (ACC-4) by re-verifying identity. Here that means all of: the payment password (the holder still knows
/// the wallet's secret), a one-time code to the bound phone (still holds the number), and — for a real-name wallet — the
/// holder's ID number matching the wallet's and one external source (a bank) confirming name, ID number and phone still
/// belong together. A wallet that was never real-name verified has only the first two to check.
/// </summary>
public sealed class Reactivation(
    WalletAccounts accounts, AccountRestrictions restrictions, HolderConfirmation confirmation, WalletCredentials credentials,
    PersonalData personalData, IBankChannel bank, LifecycleOptions options)
{
    public async Task<WalletError?> ReactivateAsync(Guid userId, string? paymentPassword, string? otp, string? idNumber,
        CancellationToken cancellationToken)
    {
        if (!HolderConfirmation.IsWellFormed(paymentPassword, otp))
        {
            return LifecycleErrors.ConfirmationRequired;
        }
        if (await restrictions.FindOpenAsync(userId, RestrictionKinds.Dormant, cancellationToken) is null)
        {
            return LifecycleErrors.NotDormant;
        }
        var user = (await accounts.FindAsync(userId, cancellationToken))!;
        var realName = user.IdNumberIndex is not null && user.NameCipher is not null && user.IdNumberCipher is not null;
        if (realName && idNumber is null)
        {
            return LifecycleErrors.IdNumberRequired;
        }
        if (await confirmation.ConfirmAsync(user, paymentPassword, otp, HolderConfirmation.Reactivate, cancellationToken) is { } refused)
        {
            return refused;
        }
        if (realName && await ConfirmIdentityAsync(user, idNumber!, cancellationToken) is { } unconfirmed)
        {
            return unconfirmed;
        }
        await restrictions.LiftAsync(userId, RestrictionKinds.Dormant, "holder:re-verified", cancellationToken);
        return null;
    }

    private async Task<WalletError?> ConfirmIdentityAsync(UserRow user, string idNumber, CancellationToken cancellationToken)
    {
        if (!personalData.IsIdNumberOf(idNumber, user))
        {
            return LifecycleErrors.IdNumberMismatch;
        }
        var name = personalData.Unprotect(user.NameCipher!, PersonalData.Name);
        var phone = credentials.PhoneOf(user);
        var unanswered = false;
        foreach (var source in options.Sources)
        {
            var answer = await bank.VerifyIdentityAsync(new IdentityVerificationRequest(source, name, idNumber, phone), cancellationToken);
            if (answer is { Outcome: BankOutcome.Succeeded, Matched: true })
            {
                return null;
            }
            unanswered |= answer.Outcome != BankOutcome.Succeeded;
        }
        // No source knew the holder: a silent source is "try again", only a full set of answers is "no".
        return unanswered ? LifecycleErrors.IdentityCheckUnavailable : LifecycleErrors.IdentityNotConfirmed;
    }
}
