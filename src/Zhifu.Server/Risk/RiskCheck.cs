using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;

namespace Zhifu.Server.Risk;

/// <summary>
/// The risk gate of a movement that cannot be held (a merchant payment at the till, a top-up, a withdrawal to a card, RISK-1):
/// block refuses; review refuses too and opens a case so risk staff can clear the user, who then tries again; step-up asks
/// for an SMS code of purpose <c>risk-verify</c> and lets the movement through once it is given. Transfers between wallets
/// are held instead (<see cref="IRiskHold"/>).
/// </summary>
public sealed class RiskCheck(IRiskEngine engine, RiskCases cases, OneTimeCodes codes, WalletCredentials credentials)
{
    public const string CodePurpose = "risk-verify";

    public async Task<(RiskDecision Decision, WalletError? Refusal)> CheckAsync(RiskEvent e, UserRow user, string? verificationCode,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var decision = await engine.DecideAsync(e, cancellationToken);
        switch (decision.Action)
        {
            case RiskAction.Block:
                return (decision, RiskErrors.Blocked);
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
