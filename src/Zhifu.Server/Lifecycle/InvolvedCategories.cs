namespace Zhifu.Server.Lifecycle;

/// <summary>Why someone is on the involved-account list (ACC-5, RISK-3).</summary>
public static class InvolvedCategories
{
    /// <summary>涉案账户 — the account itself is involved in a case: all its business is suspended while listed.</summary>
    public const string Involved = "involved";

    /// <summary>出租账户 — the person rented an account out.</summary>
    public const string RentedOut = "rented-out";

    /// <summary>出借账户 — lent an account.</summary>
    public const string LentOut = "lent-out";

    /// <summary>出售账户 — sold an account.</summary>
    public const string Sold = "sold";

    /// <summary>购买账户 — bought an account.</summary>
    public const string Bought = "bought";

    /// <summary>假冒他人身份或虚构代理关系开户 — opened an account under a false identity.</summary>
    public const string FalseIdentity = "false-identity";

    public static IReadOnlySet<string> All { get; } =
        new HashSet<string>(StringComparer.Ordinal) { Involved, RentedOut, LentOut, Sold, Bought, FalseIdentity };

    /// <summary>
    /// A conduct of the person rather than an involved account: non-counter business suspended and new accounts refused
    /// for the configured years.
    /// </summary>
    public static bool IsPersonPenalty(string category) => category != Involved && All.Contains(category);
}
