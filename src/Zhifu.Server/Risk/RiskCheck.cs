using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;

namespace Zhifu.Server.Risk;

/// <summary>
/// The risk gate of a payment, top-up or withdrawal (RISK-1): block refuses; review lets the caller go on to hold the money
/// (<see cref="IRiskHold"/>); step-up asks for an SMS code of purpose <c>risk-verify</c> and lets the movement through once
/// it is given. Wallet transfers decide in <c>WalletTransfers</c> (their step-up is TRF-3's code).
/// </summary>
public sealed class RiskCheck(IRiskEngine engine, OneTimeCodes codes, WalletCredentials credentials)
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
            case RiskAction.StepUp when verificationCode is null:
                return (decision, RiskErrors.StepUpRequired);
            case RiskAction.StepUp when !await codes.ConsumeAsync(credentials.PhoneOf(user), CodePurpose, verificationCode, cancellationToken):
                return (decision, RiskErrors.BadStepUpCode);
            default:
                return (decision, null);
        }
    }
}
