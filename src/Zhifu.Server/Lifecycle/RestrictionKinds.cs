namespace Zhifu.Server.Lifecycle;

/// <summary>
/// The kinds of restriction on a wallet. The first four are rows of <c>account_restrictions</c>; the others are derived
/// (the account's status, the involved-account list) so they can never drift from their source.
/// </summary>
public static class RestrictionKinds
{
    /// <summary>挂失冻结 — the holder froze the wallet (lost phone, ACC-6).</summary>
    public const string HolderFreeze = "holder-freeze";

    /// <summary>风控冻结 — an operator froze it for a risk reason (ACC-6).</summary>
    public const string OperatorFreeze = "operator-freeze";

    /// <summary>司法冻结 — an operator froze it on a legal order (ACC-6): kept apart from a risk freeze, so lifting one leaves
    /// the other, and only risk and operations staff may set or lift it.</summary>
    public const string LegalFreeze = "legal-freeze";

    /// <summary>休眠 — no transaction within the months after opening (ACC-4).</summary>
    public const string Dormant = "dormant";

    /// <summary>号码过户/销号 — the carrier took the number from the holder; the phone is detached (ACC-6).</summary>
    public const string NumberDetached = "number-detached";

    /// <summary>已注销 — the wallet is closed (derived from its status).</summary>
    public const string Closed = "closed";

    /// <summary>涉案账户 — the account is on the involved-account list: all business suspended (ACC-5).</summary>
    public const string Involved = "involved";

    /// <summary>The holder is listed for trading accounts or a false identity: non-counter business suspended (ACC-5).</summary>
    public const string InvolvedPerson = "involved-person";

    /// <summary>Precedence when several apply: the guard names the first that blocks.</summary>
    public static IReadOnlyList<string> Precedence { get; } =
        [Closed, NumberDetached, Involved, LegalFreeze, OperatorFreeze, HolderFreeze, Dormant, InvolvedPerson];

    /// <summary>What the restriction is, in Chinese and English, for the holder's and the operator's screens.</summary>
    public static (string Zh, string En) Describe(string kind) => kind switch
    {
        HolderFreeze => ("本人挂失冻结：暂停资金收付", "Frozen by the holder (loss): no money moves"),
        OperatorFreeze => ("风控冻结：暂停资金收付", "Frozen by an operator for a risk reason: no money moves"),
        LegalFreeze => ("司法冻结：暂停资金收付", "Frozen on a legal order: no money moves"),
        Dormant => ("休眠账户：开户后规定期限内无交易，暂停全部业务，重新核验身份后恢复",
            "Dormant: no transaction within the dormancy period after opening; all business suspended until identity is re-verified"),
        NumberDetached => ("手机号已过户或销号：账户冻结，需到柜面绑定新号码",
            "Phone number transferred or cancelled: frozen until a new number is bound at the counter"),
        Closed => ("账户已注销", "The account is closed"),
        Involved => ("涉案账户：暂停全部业务", "Involved account: all business suspended"),
        InvolvedPerson => ("出租、出借、出售、购买账户或冒名开户：暂停非柜面业务",
            "Traded accounts or used a false identity: non-counter business suspended"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown restriction kind"),
    };
}
