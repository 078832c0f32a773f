using Zhifu.Core;

namespace Zhifu.Server.RealName;

/// <summary>What one account class allows (ACC-2), as shown to the holder.</summary>
public sealed record ClassAllowance(int AccountClass, string Name, string Verification, IReadOnlyList<string> BalanceUses, long LimitFen,
    string Limit, string Period);

/// <summary>
/// 支付账户分类 — ACC-2's table: the class follows from how the identity was verified, and decides what the balance may be
/// used for and how much of it may be paid out.
/// </summary>
public static class AccountClasses
{
    public const int None = 0;
    public const int One = 1;
    public const int Two = 2;
    public const int Three = 3;

    /// <summary>
    /// Ⅰ with one non-face-to-face source, Ⅱ with face-to-face or enough sources, Ⅲ with face-to-face or more sources; face
    /// to face meets Ⅲ's bar (the table lists it for both).
    /// </summary>
    public static int FromEvidence(int matchedSources, bool faceToFace, AccountClassRegulation regulation)
    {
        ArgumentNullException.ThrowIfNull(regulation);
        return faceToFace || matchedSources >= regulation.ClassThreeSourcesMin ? Three
            : matchedSources >= regulation.ClassTwoSourcesMin ? Two
            : matchedSources >= 1 ? One
            : None;
    }

    public static string Name(int accountClass) => accountClass switch
    {
        One => "Ⅰ类支付账户 Class Ⅰ",
        Two => "Ⅱ类支付账户 Class Ⅱ",
        Three => "Ⅲ类支付账户 Class Ⅲ",
        _ => "未实名 Not verified",
    };

    /// <summary>The whole table with the configured numbers; class 0 first (what an unverified wallet may do).</summary>
    public static IReadOnlyList<ClassAllowance> Table(AccountClassRegulation r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return
        [
            new(None, Name(None), "未实名认证 not verified", [], 0, "余额不可使用 the balance cannot be used", "none"),
            new(One, Name(One), "非面对面，1 个外部渠道 non-face-to-face, 1 external source", ["consumption", "transfer"], r.ClassOneLimitFen,
                $"自开户起累计 {new Money(r.ClassOneLimitFen)}（含转入本人银行账户） since opening, own-card transfers included", "since-opening"),
            new(Two, Name(Two), $"面对面，或非面对面 {r.ClassTwoSourcesMin} 个外部渠道 face-to-face, or {r.ClassTwoSourcesMin} sources",
                ["consumption", "transfer"], r.ClassTwoLimitFen,
                $"每年累计 {new Money(r.ClassTwoLimitFen)}（不含转入本人银行账户） per calendar year, own-card withdrawals excluded", "calendar-year"),
            new(Three, Name(Three), $"面对面，或非面对面 {r.ClassThreeSourcesMin} 个外部渠道 face-to-face, or {r.ClassThreeSourcesMin} sources",
                ["consumption", "transfer", "investment"], r.ClassThreeLimitFen,
                $"每年累计 {new Money(r.ClassThreeLimitFen)}（不含转入本人银行账户） per calendar year, own-card withdrawals excluded",
                "calendar-year"),
        ];
    }
}
