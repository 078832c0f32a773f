using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;
using Zhifu.Server.Security;

namespace Zhifu.Server.RealName;

/// <summary>
/// 实名认证 (ACC-2, ACC-3): keeps the submitted name and ID number encrypted with a blind index, asks every external source
/// not yet matched, and sets the account class from the evidence. No source matching means the identity is doubtful and
/// the wallet stays unverified; sources that did not answer are asked again on the next request. Face-to-face verification
/// by an operator is evidence too. A phone or ID number barred from new accounts (ACC-5's involved-account list, kept by
/// the Lifecycle feature) is refused before any source is asked.
/// </summary>
public sealed class RealNameVerification(
    DatabaseOptions database, PersonalData personalData, IdentitySources sources, RealNameOptions options,
    AccountClassRegulation regulation, Lifecycle.IOpeningScreen openingScreen, IClock clock)
{
    /// <summary>Verifies (or re-verifies) the wallet's holder; null when at least one source confirmed the identity.</summary>
    public async Task<WalletError?> SubmitAsync(Guid userId, string? name, string? idNumber, CancellationToken cancellationToken)
    {
        var now = clock.UtcNow;
        var normalName = IdentityRules.NormalName(name);
        var normalId = IdentityRules.NormalIdNumber(idNumber, DateOnly.FromDateTime(ChinaTime.ToChina(now).DateTime));
        if (normalName is null || normalId is null)
        {
            return normalName is null ? RealNameErrors.InvalidName : RealNameErrors.InvalidIdNumber;
        }
        var idIndex = personalData.BlindIndex(normalId, PersonalData.IdNumber);
        await using var db = database.CreateContext();
        var user = await db.Set<UserRow>().AsNoTracking().FirstAsync(u => u.Id == userId, cancellationToken);
        var record = await db.Set<RealNameRecordRow>().AsNoTracking().FirstOrDefaultAsync(r => r.UserId == userId, cancellationToken);
        var sameIdentity = record is { IdNumberIndex: { } claimed, NameCipher: { } claimedName } && claimed.AsSpan().SequenceEqual(idIndex)
            && personalData.Unprotect(claimedName, PersonalData.Name) == normalName;
        var dayAgo = now.AddDays(-1);
        var phone = personalData.Unprotect(user.PhoneCipher, PersonalData.Phone);
        var refusal = user.Status == WalletAccounts.StatusClosed ? WalletErrors.AccountClosed
            : user.AccountClass > AccountClasses.None && !sameIdentity ? RealNameErrors.AlreadyVerifiedAsOther
            : await AttemptsTodayAsync(db, userId, dayAgo, cancellationToken) >= options.AttemptsPerDayMax ? RealNameErrors.TooManyAttempts
            : await openingScreen.RefusalAsync(new Lifecycle.OpeningSubject(phone, normalId, null), cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }
        // The attempt is recorded before any source is asked and the day counted again with it in: attempts sent at once all
        // passed the count above, and each asks the sources (an oracle for a name and ID number). At a tie each sees the
        // other and both are refused — never one ask too many.
        var attempt = new RealNameAttemptRow
        {
            Id = Guid.CreateVersion7(), UserId = userId, IdNumberIndex = idIndex, At = now, Outcome = AttemptAsking, SourceAnswers = "",
            ResultClass = user.AccountClass,
        };
        db.Add(attempt);
        await db.SaveChangesAsync(cancellationToken);
        if (await AttemptsTodayAsync(db, userId, dayAgo, cancellationToken) > options.AttemptsPerDayMax)
        {
            db.Remove(attempt);
            await db.SaveChangesAsync(CancellationToken.None);
            return RealNameErrors.TooManyAttempts;
        }
        var known = sameIdentity ? SplitSources(record!.MatchedSources) : [];
        var asked = options.SourceList.Where(s => !known.Contains(s)).ToList();
        var answers = await sources.AskAsync(asked, normalName, normalId, phone, cancellationToken);
        var matched = known.Union(answers.Where(a => a.Verdict == SourceVerdict.Matched).Select(a => a.Source)).ToList();
        var outcome = matched.Count > 0 || (sameIdentity && record!.FaceToFaceAt is not null) ? "verified"
            : asked.Count > 0 && answers.All(a => a.Verdict == SourceVerdict.Unknown) ? "unavailable"
            : "doubtful";
        (attempt.Outcome, attempt.SourceAnswers) = (outcome, IdentitySources.Describe(answers));
        await SaveEvidenceAsync(userId, attempt, r =>
        {
            if (!sameIdentity)
            {
                // An unverified wallet may correct its claim; the evidence for the old claim goes with it.
                (r.NameCipher, r.IdNumberCipher, r.IdNumberIndex) = (personalData.Protect(normalName, PersonalData.Name),
                    personalData.Protect(normalId, PersonalData.IdNumber), idIndex);
                (r.FaceToFaceAt, r.FaceToFaceBy, r.FaceToFaceTicket) = (null, null, null);
            }
            r.MatchedSources = string.Join(',', matched);
        }, cancellationToken);
        return outcome switch
        {
            "verified" => null,
            "unavailable" => RealNameErrors.SourcesUnavailable,
            _ => RealNameErrors.IdentityDoubtful,
        };
    }

    /// <summary>Outcome of an attempt whose sources are being asked (left so if the server stops meanwhile: it still counts).</summary>
    public const string AttemptAsking = "asking";

    private static Task<int> AttemptsTodayAsync(ZhifuDb db, Guid userId, DateTimeOffset dayAgo, CancellationToken ct) =>
        db.Set<RealNameAttemptRow>().CountAsync(a => a.UserId == userId && a.At > dayAgo, ct);

    /// <summary>
    /// Face-to-face verification at the counter: Class Ⅲ evidence for the identity on the document the operator holds, given
    /// only when it is the identity the wallet submitted (ACC-2, ACC-3) — a wallet that claimed someone else's name and ID number
    /// and shows its own card is refused; the class before, after.
    /// </summary>
    public async Task<(int Before, int After, WalletError? Error)> FaceToFaceAsync(Guid userId, string ticket, string operatorName,
        string? documentName, string? documentIdNumber, CancellationToken cancellationToken)
    {
        var now = clock.UtcNow;
        var name = IdentityRules.NormalName(documentName);
        var idNumber = IdentityRules.NormalIdNumber(documentIdNumber, DateOnly.FromDateTime(ChinaTime.ToChina(now).DateTime));
        if (name is null || idNumber is null)
        {
            return (0, 0, name is null ? RealNameErrors.InvalidName : RealNameErrors.InvalidIdNumber);
        }
        var idIndex = personalData.BlindIndex(idNumber, PersonalData.IdNumber);
        await using var db = database.CreateContext();
        var user = await db.Set<UserRow>().AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, cancellationToken);
        var record = await db.Set<RealNameRecordRow>().AsNoTracking().FirstOrDefaultAsync(r => r.UserId == userId, cancellationToken);
        var refusal = user is null ? RealNameErrors.UserNotFound
            : user.Status == WalletAccounts.StatusClosed ? WalletErrors.AccountClosed
            : record is not { IdNumberIndex: not null, NameCipher: not null } ? RealNameErrors.NotSubmitted
            : !record.IdNumberIndex.AsSpan().SequenceEqual(idIndex) || personalData.Unprotect(record.NameCipher, PersonalData.Name) != name
                ? RealNameErrors.DocumentMismatch
            : null;
        if (refusal is not null)
        {
            return (0, 0, refusal);
        }
        // The evidence goes on the record only while it still holds the identity compared: a correction the holder submits
        // meanwhile (which clears face-to-face evidence) wins or makes this refused, never the other way round.
        var nameCipher = record!.NameCipher!;
        var marked = await db.Set<RealNameRecordRow>()
            .Where(r => r.UserId == userId && r.IdNumberIndex == idIndex && r.NameCipher == nameCipher)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.FaceToFaceAt, now).SetProperty(r => r.FaceToFaceBy, operatorName)
                .SetProperty(r => r.FaceToFaceTicket, ticket), cancellationToken);
        if (marked == 0)
        {
            return (0, 0, RealNameErrors.DocumentMismatch);
        }
        var after = await SaveEvidenceAsync(userId, null, static _ => { }, cancellationToken);
        return (user!.AccountClass, after, null);
    }

    /// <summary>
    /// Records an identity the external sources are already known to confirm (the demo seed knows the simulator's people);
    /// idempotent.
    /// </summary>
    internal Task RecordConfirmedAsync(Guid userId, string name, string idNumber, IReadOnlyList<string> matchedSources,
        CancellationToken cancellationToken) =>
        SaveEvidenceAsync(userId, null, r =>
        {
            r.NameCipher = personalData.Protect(name, PersonalData.Name);
            r.IdNumberCipher = personalData.Protect(idNumber, PersonalData.IdNumber);
            r.IdNumberIndex = personalData.BlindIndex(idNumber, PersonalData.IdNumber);
            r.MatchedSources = string.Join(',', matchedSources);
        }, cancellationToken);

    public static IReadOnlyList<string> SplitSources(string matched) =>
        matched.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>
    /// Applies a change to the evidence and sets the class from it in one transaction: a confirmed identity moves onto the
    /// user row, and the one-Class-Ⅲ-per-ID rule decides between Ⅲ and Ⅱ. The class after.
    /// </summary>
    private async Task<int> SaveEvidenceAsync(Guid userId, RealNameAttemptRow? attempt, Action<RealNameRecordRow> change,
        CancellationToken cancellationToken)
    {
        for (var tries = 1; ; tries++)
        {
            var now = clock.UtcNow;
            await using var db = database.CreateContext();
            var user = await db.Set<UserRow>().FirstAsync(u => u.Id == userId, cancellationToken);
            var record = await db.Set<RealNameRecordRow>().FirstOrDefaultAsync(r => r.UserId == userId, cancellationToken);
            if (record is null)
            {
                record = new RealNameRecordRow { UserId = userId, MatchedSources = "", SubmittedAt = now };
                db.Add(record);
            }
            change(record);
            var matched = SplitSources(record.MatchedSources).Count;
            record.EvidenceClass = AccountClasses.FromEvidence(matched, record.FaceToFaceAt is not null, regulation);
            record.UpdatedAt = now;
            if (record.EvidenceClass > AccountClasses.None)
            {
                (user.NameCipher, user.IdNumberCipher) = (record.NameCipher, record.IdNumberCipher);
                user.IdNumberIndex = record.IdNumberIndex;
                (user.VerifiedSources, user.FaceToFaceVerified) = (matched, record.FaceToFaceAt is not null);
                user.VerifiedAt ??= now;
                await ClassThreeRule.AssignAsync(db, user, record, now, cancellationToken);
            }
            if (attempt is not null)
            {
                attempt.ResultClass = user.AccountClass;
                db.Update(attempt); // recorded (asking) before the sources were asked: now with their answers
            }
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return user.AccountClass;
            }
            catch (DbUpdateException) when (tries < 4)
            {
                // Another wallet of the same ID number claimed Class Ⅲ at the same moment: look again, it is capped now.
            }
        }
    }
}
