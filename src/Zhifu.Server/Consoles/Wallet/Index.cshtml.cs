using Zhifu.Core;
using Zhifu.Core.Ledger;
using Zhifu.Server.Accounts;
using Zhifu.Server.Lifecycle;
using Zhifu.Server.Security;
using Zhifu.Server.Statements;

namespace Zhifu.Server.Consoles.Wallet;

/// <summary>The wallet's home: the balance and the consumption-only funds (CARD-3), restrictions in force (ACC-6), shortcuts.</summary>
public sealed class IndexModel(WalletAccounts accounts, WalletCredentials credentials, PersonalData personalData, ILedger ledger,
    AccountRestrictions restrictions, WalletStatements statements) : WalletPage
{
    public StatementViews.BalanceDto Balance { get; private set; } = null!;
    public string Phone { get; private set; } = "";
    public string? Name { get; private set; }
    public int AccountClass { get; private set; }
    public IReadOnlyList<ActiveRestriction> Restrictions { get; private set; } = [];
    public IReadOnlyList<StatementEntry> Recent { get; private set; } = [];

    public async Task OnGetAsync()
    {
        var user = (await accounts.FindAsync(UserId, Aborted))!;
        Balance = StatementViews.Balance(ledger, user);
        Phone = PersonalDataMask.Phone(credentials.PhoneOf(user));
        Name = user.NameCipher is null ? null : PersonalDataMask.Name(personalData.Unprotect(user.NameCipher, PersonalData.Name));
        AccountClass = user.AccountClass;
        Restrictions = await restrictions.ActiveAsync(user, Aborted);
        (Recent, _) = await statements.ReadAsync(new StatementQuery(UserId, null, null, null, null, null, 3), Aborted);
    }
}
