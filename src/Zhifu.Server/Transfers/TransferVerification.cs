using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Security;

namespace Zhifu.Server.Transfers;

/// <summary>What a transfer needs beyond the payment password (TRF-3).</summary>
public sealed record VerificationNeeds(
    bool SecondFactor, bool Confirmation, long NonCounterTodayFen, long TodayFen, long ConfirmationThresholdFen);

/// <summary>
/// TRF-3's verification strength: beyond ¥50,000 a day of a person's non-counter transfers (transfers to their own wallets at
/// this institution aside) a second factor — an SMS one-time code to the bound phone, purpose <c>transfer-verify</c> — is
/// needed besides the payment password; above ¥300,000 a day (¥1,000,000 for an organization) the holder confirms the
/// large amount with a token bound to exactly this request. Day totals are China days and count transfers still held.
/// The caller evaluates and submits under one claim on the payer's row (any server), so two concurrent transfers see each
/// other's totals.
/// </summary>
public sealed class TransferVerification(DatabaseOptions database, PersonalData personalData, TransferRegulation regulation,
    TransferOptions options, IClock clock)
{
    public const string CodePurpose = "transfer-verify";
    private const string TokenPurpose = "transfer-confirmation";

    public async Task<VerificationNeeds> NeedsAsync(Guid payerId, long amountFen, bool ownAtInstitution, CancellationToken ct)
    {
        var china = ChinaTime.ToChina(clock.UtcNow);
        var dayStart = new DateTimeOffset(china.Year, china.Month, china.Day, 0, 0, 0, china.Offset).ToUniversalTime();
        await using var db = database.CreateContext();
        var today = await db.Set<WalletTransferRow>()
            .Where(t => t.PayerUserId == payerId && t.CreatedAt >= dayStart
                && (t.Status == WalletTransfers.Processing || t.Status == WalletTransfers.Pending || t.Status == WalletTransfers.Succeeded
                    || t.Status == WalletTransfers.UnderReview)) // held for risk review: still today's, if released
            .Select(t => new { t.AmountFen, t.OwnAccount, t.Kind }).ToListAsync(ct);
        // Own accounts "at the same institution" are own wallets; the holder's own bank card is outside it and counts.
        var nonCounter = today.Where(t => !(t.OwnAccount && t.Kind == WalletTransfers.KindWallet)).Sum(t => t.AmountFen);
        var all = today.Sum(t => t.AmountFen);
        var threshold = regulation.LargeConfirmationPersonDailyFen; // enterprise wallets (ENT) use the organization number
        return new VerificationNeeds(!ownAtInstitution && nonCounter + amountFen > regulation.StrongVerificationDailyFen,
            all + amountFen > threshold, nonCounter, all, threshold);
    }

    /// <summary>A confirmation token for exactly this payer, request, amount and payee, valid a few minutes.</summary>
    public string Issue(Guid payerId, string requestId, long amountFen, string payee)
    {
        var expires = clock.UtcNow.AddSeconds(options.ConfirmationSeconds).ToUnixTimeSeconds();
        return expires.ToString(CultureInfo.InvariantCulture) + "." + Mac(payerId, requestId, amountFen, payee, expires);
    }

    public bool IsValid(string? token, Guid payerId, string requestId, long amountFen, string payee)
    {
        if (token is not { Length: > 10 and <= 128 } || token.IndexOf('.', StringComparison.Ordinal) is var dot && dot < 1
            || !long.TryParse(token.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            || expires < clock.UtcNow.ToUnixTimeSeconds())
        {
            return false;
        }
        var expected = Encoding.ASCII.GetBytes(Mac(payerId, requestId, amountFen, payee, expires));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(token[(dot + 1)..]));
    }

    private string Mac(Guid payerId, string requestId, long amountFen, string payee, long expires) =>
        Convert.ToHexStringLower(personalData.BlindIndex(
            string.Create(CultureInfo.InvariantCulture, $"{payerId:N}|{requestId}|{amountFen}|{payee}|{expires}"), TokenPurpose));
}
