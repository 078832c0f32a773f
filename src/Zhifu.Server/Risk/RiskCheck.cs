using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;

namespace Zhifu.Server.Risk;

/// <summary>
/// The risk gate of a payment, top-up or withdrawal (RISK-1): block refuses; review lets a caller that can hold the money
/// (a merchant payment, <see cref="IRiskHold"/>) go on to hold it, and otherwise (a top-up or withdrawal, whose bank leg
/// cannot wait) refuses and opens a case so risk staff can clear the user, who then tries again; step-up asks for an SMS
/// code of purpose <c>risk-verify</c> and lets the movement through once it is given. Wallet transfers decide in
/// <c>WalletTransfers</c> (their step-up is TRF-3's code).
/// </summary>
public sealed class RiskCheck(IRiskEngine engine, RiskCases cases, OneTimeCodes codes, WalletCredentials credentials)
{
    public const string CodePurpose = "risk-verify";

    public async Task<(RiskDecision Decision, WalletError? Refusal)> CheckAsync(RiskEvent e, UserRow user, string? verificationCode,
        bool canHold, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var decision = await engine.DecideAsync(e, cancellationToken);
        switch (decision.Action)
        {
            case RiskAction.Block:
                return (decision, RiskErrors.Blocked);
            case RiskAction.Review when canHold:
                return (decision, null);
            case RiskAction.Review:
                await cases.OpenAsync(decision, RiskCases.KindAlert, CancellationToken.None);
                return (decision, RiskErrors.ReviewRefused);
            case RiskAction.StepUp when verificationCode is null:
                return (decision, RiskErrors.StepUpRequired);
            case RiskAction.StepUp when !await codes.ConsumeAsync(credentials.PhoneOf(user), CodePurpose, verificationCode, cancellationToken):
                return (decision, RiskErrors.BadStepUpCode);
            default:
                return (decision, null);
        }
    }
}
