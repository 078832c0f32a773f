using Microsoft.EntityFrameworkCore;
using Zhifu.Core.Banking;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Security;

namespace Zhifu.Server.Funds;

/// <summary>
/// Bound cards read from the card records and the card vault (CARD-1): the number is decrypted only here, only to be sent
/// to the bank.
/// </summary>
public sealed class VaultBoundCards(DatabaseOptions database, PersonalData personalData) : IBoundCards
{
    /// <summary>The vault's encryption purpose for card numbers.</summary>
    public const string CardNumberPurpose = "card-number";

    public async Task<BoundCard?> FindAsync(Guid userId, string token, CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext();
        var card = await db.Set<BankCardRow>().AsNoTracking()
            .FirstOrDefaultAsync(c => c.Token == token && c.UserId == userId && c.UnboundAt == null, cancellationToken);
        if (card is null)
        {
            return null;
        }
        var vault = await db.Set<CardVaultRow>().AsNoTracking().FirstAsync(v => v.Token == token, cancellationToken);
        return new BoundCard(card.Token, card.UserId, card.Bank, personalData.Unprotect(vault.NumberCipher, CardNumberPurpose),
            (BankCardType)card.CardType, card.MaskedNumber);
    }
}
