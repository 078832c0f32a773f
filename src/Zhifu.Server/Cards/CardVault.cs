using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Security;

namespace Zhifu.Server.Cards;

/// <summary>
/// 卡号保险库 — tokenization of card numbers (支付标记化, CARD-1): the number is encrypted under its own purpose and kept
/// only here; everything else in the platform holds the opaque token. Revealing a number is for the bank call that
/// needs it (top-up, withdrawal), never for a screen or a log (ACC-8).
/// </summary>
public sealed class CardVault(DatabaseOptions database, PersonalData personalData)
{
    /// <summary>Encryption purpose and blind-index domain of card numbers.</summary>
    public const string Purpose = "card-number";

    /// <summary>A new opaque token: 120 random bits, URL-safe.</summary>
    public static string NewToken() => "card_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(15));

    /// <summary>Tokens are what <see cref="NewToken"/> makes; anything else is not ours (and never reaches the database).</summary>
    public static bool LooksLikeToken(string? token) =>
        token is { Length: 35 } && token.StartsWith("card_", StringComparison.Ordinal) && token[5..].All(char.IsAsciiHexDigitLower);

    /// <summary>The per-user blind index: the same card under one user is found, under two users it gives unrelated values.</summary>
    public byte[] IndexOf(Guid userId, string cardNumber) => personalData.BlindIndex(userId.ToString("N") + ":" + cardNumber, Purpose);

    internal CardVaultRow Seal(Guid userId, string token, string cardNumber, DateTimeOffset now) => new()
    {
        Token = token,
        NumberCipher = personalData.Protect(cardNumber, Purpose),
        NumberIndex = IndexOf(userId, cardNumber),
        CreatedAt = now,
    };

    /// <summary>The card number behind a token, or null when the token is unknown or was unbound.</summary>
    public async Task<string?> RevealAsync(string token, CancellationToken cancellationToken)
    {
        if (!LooksLikeToken(token))
        {
            return null;
        }
        await using var db = database.CreateContext();
        var row = await db.Set<CardVaultRow>().AsNoTracking().FirstOrDefaultAsync(v => v.Token == token, cancellationToken);
        return row is null ? null : personalData.Unprotect(row.NumberCipher, Purpose);
    }

    /// <summary>Whether this user has this card bound now.</summary>
    public async Task<bool> HoldsAsync(ZhifuDb db, Guid userId, string cardNumber, CancellationToken cancellationToken)
    {
        var index = IndexOf(userId, cardNumber);
        return await db.Set<CardVaultRow>().AnyAsync(v => v.NumberIndex == index, cancellationToken);
    }
}
