using Microsoft.EntityFrameworkCore;
using Zhifu.Core.Banking;
using Zhifu.Data.Entities;
using Zhifu.Server.Risk;

namespace Zhifu.Server.Funds;

/// <summary>
/// A top-up or withdrawal held for risk review (RISK-1): the ledger hold stands and the bank is not asked until the case is
/// decided. Release asks the bank exactly as the start would have (CARD-4's recovery applies from then on); void voids the
/// hold and its limit legs as a bank refusal would.
/// </summary>
public sealed partial class FundMovements
{
    /// <summary>Held: the ledger hold is in place, the bank has not been asked.</summary>
    public const string Review = "review";

    /// <summary>The case released it: the bank is asked now.</summary>
    public async Task<RiskHoldOutcome> ReleaseReviewAsync(Guid movementId, IBoundCards cards, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cards);
        var movement = await FindMovementAsync(movementId);
        if (movement?.Status != Review)
        {
            return RiskHoldOutcome.EndedOtherwise;
        }
        var card = await cards.FindAsync(movement.UserId, movement.CardToken, cancellationToken);
        if (card is null || !await LeaveReviewAsync(movementId))
        {
            return card is null ? await VoidReviewAsync(movementId) : RiskHoldOutcome.EndedOtherwise; // the card was unbound since
        }
        movement = (await FindMovementAsync(movementId))!;
        var request = new BankMovementRequest(RequestId(movement), card.Bank, card.CardNumber, movement.AmountFen, Purpose(movement));
        var answer = movement.Kind == TopUp ? await bank.DebitAsync(request, CancellationToken.None)
            : await bank.CreditAsync(request, CancellationToken.None);
        await ApplyAsync(movement, answer.Outcome, answer.BankTxnId, answer.Code);
        return RiskHoldOutcome.Done;
    }

    /// <summary>The case voided it: the hold is voided as if the bank had refused.</summary>
    public async Task<RiskHoldOutcome> VoidReviewAsync(Guid movementId)
    {
        if (!await LeaveReviewAsync(movementId))
        {
            return RiskHoldOutcome.EndedOtherwise;
        }
        await ApplyAsync((await FindMovementAsync(movementId))!, BankOutcome.Failed, null, "risk_rejected");
        return RiskHoldOutcome.Done;
    }

    /// <summary>review → pending, by exactly one caller, who holds the movement's claim until the outcome is recorded (the
    /// recovery worker must not resend a movement being voided, nor reverse one being sent).</summary>
    private async Task<bool> LeaveReviewAsync(Guid movementId)
    {
        var now = clock.UtcNow;
        await using var db = database.CreateContext();
        return await db.Set<FundMovementRow>().Where(m => m.Id == movementId && m.Status == Review)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, Pending).SetProperty(m => m.ResolvingSince, now)
                .SetProperty(m => m.Version, m => m.Version + 1), CancellationToken.None) == 1;
    }

    private static string Purpose(FundMovementRow movement) => movement.Kind switch
    {
        TopUp => "知付充值",
        CardTransfer => "知付转账到卡",
        _ => "知付提现",
    };
}

/// <summary>Risk review of top-ups and withdrawals (including a transfer to one's own card, whose movement it finds).</summary>
public sealed class FundsRiskHold(string kind, FundMovements movements, IBoundCards cards) : IRiskHold
{
    public string Kind => kind;

    public async Task<RiskHoldOutcome> ReleaseAsync(Guid businessId, CancellationToken cancellationToken) =>
        await movements.ReleaseReviewAsync(await MovementIdAsync(businessId), cards, cancellationToken);

    public async Task<RiskHoldOutcome> VoidAsync(Guid businessId, CancellationToken cancellationToken) =>
        await movements.VoidReviewAsync(await MovementIdAsync(businessId));

    /// <summary>A transfer to a card is decided under the transfer's id; its movement's id is derived from it.</summary>
    private async Task<Guid> MovementIdAsync(Guid businessId) =>
        await movements.FindMovementAsync(businessId) is not null ? businessId : Core.DerivedIds.For(businessId, "fund-movement");
}
