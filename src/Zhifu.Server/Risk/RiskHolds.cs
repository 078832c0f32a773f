namespace Zhifu.Server.Risk;

/// <summary>How a held movement ended when its case was decided.</summary>
public enum RiskHoldOutcome
{
    /// <summary>Posted (release) or voided (void) as asked.</summary>
    Done,
    /// <summary>The hold had already ended the other way (the payer revoked it); nothing moved now.</summary>
    EndedOtherwise,
    /// <summary>The ledger could not answer; try again.</summary>
    Unavailable,
    /// <summary>Asked to release, but it could no longer go ahead (its card was unbound meanwhile): voided instead.</summary>
    VoidedInstead,
    /// <summary>Asked to void, but an earlier release of the same case had already posted the money (its server stopped before
    /// recording it, and a restriction since refused the release's retry): the release is recorded, as the money moved.</summary>
    ReleasedInstead,
    /// <summary>Not released: a party's wallet is restricted since (frozen, involved, dormant — ACC-4 … ACC-6); nothing moved,
    /// the money stays held until the restriction is lifted or the case voids it.</summary>
    Restricted,
}

/// <summary>
/// A money feature that can hold a movement for review (RISK-1 "review"): the case decision posts or voids the pending
/// transfers it holds. One implementation per movement kind.
/// </summary>
public interface IRiskHold
{
    string Kind { get; }

    Task<RiskHoldOutcome> ReleaseAsync(Guid businessId, CancellationToken cancellationToken);

    Task<RiskHoldOutcome> VoidAsync(Guid businessId, CancellationToken cancellationToken);

    /// <summary>
    /// Movements of this kind held for review since before <paramref name="before"/> with no review case to decide them
    /// (<see cref="RiskCases.UndecidedReviews"/>) — the process stopped between holding the money and opening the case, which
    /// nobody could then decide — oldest first, at most
    /// <paramref name="max"/>, as the events their cases are opened from (<see cref="RiskCases.RecoverHeldAsync"/>).
    /// </summary>
    Task<IReadOnlyList<RiskEvent>> HeldWithoutCaseAsync(DateTimeOffset before, int max, CancellationToken cancellationToken);
}
