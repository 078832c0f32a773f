using Zhifu.Core.Ledger;

namespace Zhifu.Server.Ledger;

/// <summary>
/// 额度账本 — the limit ledgers: amounts of allowance, never money, kept apart from ledger 1 (CNY). ACC-2's class limits and
/// TRF-1's amount limits count in fen on <see cref="Fen"/>, TRF-1's daily count in transfers on <see cref="Count"/>.
/// </summary>
public static class AllowanceLedgers
{
    /// <summary>Allowance in fen.</summary>
    public const int Fen = 2;

    /// <summary>Allowance counted in transfers, kept apart from fen.</summary>
    public const int Count = 3;

    /// <summary>
    /// The chart has no code for control accounts yet. Until it does, every account of the limit ledgers (issuers and
    /// controls) carries this one code: each control transfer then moves between two accounts of the same code, so the code's
    /// total stays exactly zero and verify's custody check (SET-1), which sums balances by code, is untouched.
    /// </summary>
    public const AccountCode ControlCode = AccountCode.Suspense;
}

/// <summary>An issuer of allowance (no balance rule: it goes as negative as allowance is granted) and the ledger it is on.</summary>
public readonly record struct AllowanceIssuer(Guid AccountId, int Ledger);
