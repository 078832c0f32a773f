namespace Zhifu.Server.Risk.Aml;

/// <summary>
/// One side of a finished money movement as one customer sees it (RISK-6): a transfer is an outflow of its payer and an
/// inflow of its payee. Keys name customers and counterparties without personal data: <c>U:{user id}</c> for a wallet,
/// <c>P:{hex of the ID number's blind index}</c> for a verified person (all their wallets, <see cref="AmlSources.PeopleAsync"/>),
/// <c>M:{merchant id}</c> for a merchant, <c>C:{card token}</c> for a bank card.
/// </summary>
public sealed record AmlMovement(string CustomerKey, string Reference, DateTimeOffset At, string Type, bool Inflow, long AmountFen,
    string CounterpartyKey, string CounterpartyShown);

/// <summary>A customer as the reports name them: masked only (ACC-8).</summary>
public sealed record AmlCustomer(string Key, bool NaturalPerson, string Id, string NameMasked, string PhoneMasked,
    string IdNumberMasked, DateTimeOffset OpenedAt);

/// <summary>The movement types a report shows, Chinese with English.</summary>
public static class AmlMovementTypes
{
    public const string Transfer = "转账 transfer";
    public const string ToCard = "转账到卡 transfer to card";
    public const string Payment = "消费支付 payment";
    public const string Refund = "退款 refund";
    public const string TopUp = "充值 top-up";
    public const string Withdrawal = "提现 withdrawal";

    public static string UserKey(Guid id) => "U:" + id.ToString("N");

    public static string PersonKey(byte[] idNumberIndex) => "P:" + Convert.ToHexString(idNumberIndex);

    public static string MerchantKey(Guid id) => "M:" + id.ToString("N");

    public static string CardKey(string token) => "C:" + token;
}
