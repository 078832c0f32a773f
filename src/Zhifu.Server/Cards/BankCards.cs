using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Core.Banking;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;
using Zhifu.Server.Security;

namespace Zhifu.Server.Cards;

/// <summary>
/// Binding bank cards for quick pay (快捷支付, CARD-1): a verified wallet, a one-time code to the bound phone, a valid Luhn
/// digit, and the bank's confirmation that card, name, ID number and phone belong together. The number goes to the vault;
/// the card row keeps the token, the bank, the type (CARD-3) and the masked number. A closed, frozen, dormant or listed
/// wallet binds nothing (ACC-4 … ACC-6: all its business is suspended).
/// </summary>
public sealed partial class BankCards(
    DatabaseOptions database, CardVault vault, IBankChannel bank, PersonalData personalData, OneTimeCodes codes, IClock clock,
    CardsOptions options, Lifecycle.IAccountGuard guard)
{
    /// <summary>
    /// Binds a card after every check; the card, or the refusal. (Not named BindAsync: minimal APIs would take a public
    /// BindAsync on a service for a parameter binder.)
    /// </summary>
    public async Task<(BoundCard? Card, WalletError? Error)> BindCardAsync(Guid userId, string? bankCode, string? cardNumber, string? otp,
        CancellationToken cancellationToken)
    {
        var bankName = bankCode?.Trim().ToUpperInvariant();
        if (bankName is null || !BankPattern().IsMatch(bankName))
        {
            return (null, CardErrors.InvalidBank);
        }
        var number = cardNumber?.Replace(" ", "", StringComparison.Ordinal);
        if (!CheckDigits.IsValidCardNumber(number))
        {
            return (null, CardErrors.InvalidCardNumber); // Luhn first: a mistyped number never reaches the bank
        }
        await using var db = database.CreateContext();
        var user = await db.Set<UserRow>().AsNoTracking().FirstAsync(u => u.Id == userId, cancellationToken);
        var refusal = await guard.EnsureCanTransactAsync(userId, Lifecycle.Business.NonCounterIn, cancellationToken)
            ?? (user.AccountClass == 0 || user.NameCipher is null || user.IdNumberCipher is null ? CardErrors.RealNameRequired
            : await db.Set<BankCardRow>().CountAsync(c => c.UserId == userId && c.UnboundAt == null, cancellationToken)
                >= options.BoundCardsMax ? CardErrors.TooManyCards
            : await vault.HoldsAsync(db, userId, number!, cancellationToken) ? CardErrors.AlreadyBound
            : null);
        if (refusal is not null)
        {
            return (null, refusal);
        }
        var phone = personalData.Unprotect(user.PhoneCipher, PersonalData.Phone);
        if (!await codes.ConsumeAsync(phone, "bind-card", otp, cancellationToken))
        {
            return (null, WalletErrors.BadCode);
        }
        var name = personalData.Unprotect(user.NameCipher!, PersonalData.Name);
        var idNumber = personalData.Unprotect(user.IdNumberCipher!, PersonalData.IdNumber);
        var check = await bank.VerifyCardAsync(new CardVerificationRequest(bankName, number!, name, idNumber, phone), cancellationToken);
        return Refusal(check) is { } error ? (null, error)
            : await StoreAsync(db, userId, bankName, number!, check.CardType!.Value, cancellationToken);
    }

    /// <summary>
    /// Records a card the bank has already confirmed for this holder (the demo seed knows the simulator's cards); idempotent:
    /// a card already bound answers the bound card.
    /// </summary>
    internal async Task<BoundCard> RecordConfirmedAsync(Guid userId, string bankCode, string cardNumber, BankCardType type,
        CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext();
        var index = vault.IndexOf(userId, cardNumber);
        var existing = await db.Set<CardVaultRow>().Where(v => v.NumberIndex == index)
            .Join(db.Set<BankCardRow>(), v => v.Token, c => c.Token, (v, c) => c).AsNoTracking().FirstOrDefaultAsync(cancellationToken);
        if (existing is not null)
        {
            return BoundCard.Of(existing);
        }
        var (card, error) = await StoreAsync(db, userId, bankCode, cardNumber, type, cancellationToken);
        return card ?? throw new InvalidOperationException("card binding: " + error!.Code);
    }

    /// <summary>The wallet's bound cards, oldest first.</summary>
    public async Task<IReadOnlyList<BoundCard>> ListAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext();
        var rows = await db.Set<BankCardRow>().AsNoTracking().Where(c => c.UserId == userId && c.UnboundAt == null)
            .ToListAsync(cancellationToken);
        return rows.OrderBy(r => r.BoundAt).Select(BoundCard.Of).ToList();
    }

    /// <summary>A bound card of this user; null for an unknown token, another user's card or an unbound one.</summary>
    public async Task<BoundCard?> FindAsync(Guid userId, string? token, CancellationToken cancellationToken)
    {
        if (!CardVault.LooksLikeToken(token))
        {
            return null;
        }
        await using var db = database.CreateContext();
        var row = await db.Set<BankCardRow>().AsNoTracking()
            .FirstOrDefaultAsync(c => c.Token == token && c.UserId == userId && c.UnboundAt == null, cancellationToken);
        return row is null ? null : BoundCard.Of(row);
    }

    /// <summary>Unbinds a card: the binding is kept for history, the number leaves the vault.</summary>
    public async Task<WalletError?> UnbindAsync(Guid userId, string? token, CancellationToken cancellationToken)
    {
        if (!CardVault.LooksLikeToken(token))
        {
            return CardErrors.NotFound;
        }
        await using var db = database.CreateContext();
        var row = await db.Set<BankCardRow>().FirstOrDefaultAsync(c => c.Token == token && c.UserId == userId && c.UnboundAt == null,
            cancellationToken);
        if (row is null)
        {
            return CardErrors.NotFound; // another user's token looks exactly like an unknown one
        }
        row.UnboundAt = clock.UtcNow;
        if (await db.Set<CardVaultRow>().FirstOrDefaultAsync(v => v.Token == token, cancellationToken) is { } entry)
        {
            db.Remove(entry); // in the same transaction as the unbinding
        }
        await db.SaveChangesAsync(cancellationToken);
        return null;
    }

    /// <summary>Unbinds every card of a wallet that is being closed (a merge, ACC-2).</summary>
    internal async Task UnbindAllAsync(Guid userId, CancellationToken cancellationToken)
    {
        foreach (var card in await ListAsync(userId, cancellationToken))
        {
            await UnbindAsync(userId, card.Token, cancellationToken);
        }
    }

    private static WalletError? Refusal(BankVerificationResult check) => check switch
    {
        { Outcome: BankOutcome.Unknown } => CardErrors.BankUnavailable,
        { Outcome: BankOutcome.Succeeded, Matched: true, CardType: not null } => null,
        { Outcome: BankOutcome.Succeeded, Code: BankErrorCodes.CardNotFound } => CardErrors.NotFoundAtBank,
        { Outcome: BankOutcome.Succeeded, Code: BankErrorCodes.CardClosed } => CardErrors.ClosedAtBank,
        { Outcome: BankOutcome.Succeeded, Matched: false } => CardErrors.HolderMismatch,
        _ => CardErrors.BankRefused,
    };

    private async Task<(BoundCard?, WalletError?)> StoreAsync(ZhifuDb db, Guid userId, string bankCode, string number, BankCardType type,
        CancellationToken cancellationToken)
    {
        var now = clock.UtcNow;
        var row = new BankCardRow
        {
            Token = CardVault.NewToken(),
            UserId = userId,
            Bank = bankCode,
            CardType = (int)type,
            MaskedNumber = PersonalDataMask.CardNumber(number),
            BoundAt = now,
        };
        db.Set<CardVaultRow>().Add(vault.Seal(userId, row.Token, number, now));
        db.Set<BankCardRow>().Add(row);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return (null, CardErrors.AlreadyBound); // the same card bound twice at once: the vault's unique index lets one through
        }
        return (BoundCard.Of(row), null);
    }

    [GeneratedRegex("^[A-Z]{2,10}\\z")]
    private static partial Regex BankPattern();
}
