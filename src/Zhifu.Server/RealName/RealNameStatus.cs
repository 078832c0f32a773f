using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Core.Ledger;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.RealName.Limits;
using Zhifu.Server.Security;

namespace Zhifu.Server.RealName;

/// <summary>A wallet's real-name status as its holder sees it: masked identity (ACC-8), class, what it allows, what is left.</summary>
public sealed record RealNameDto(bool Verified, int AccountClass, string ClassName, string? Name, string? IdNumber, int VerifiedSources,
    IReadOnlyList<string> MatchedSources, bool FaceToFace, string? VerifiedAt, ClassAllowance Allows, IReadOnlyList<ClassAllowance> Classes,
    IReadOnlyList<RealNameDto.LimitDto> Limits, RealNameDto.ChoiceDto? ClassThreeChoice)
{
    /// <summary>One cumulative limit in force and what is left of it.</summary>
    public sealed record LimitDto(string Limit, long LimitFen, long RemainingFen, string Remaining, string? ResetsAt);

    /// <summary>Another wallet of the same ID number holds Class Ⅲ: the holder chooses what happens (ACC-2).</summary>
    public sealed record ChoiceDto(Guid OtherUserId, string OtherPhone, long OtherBalanceFen, string OtherBalance,
        IReadOnlyList<string> Actions);
}

/// <summary>Builds <see cref="RealNameDto"/>.</summary>
public sealed class RealNameStatus(
    DatabaseOptions database, PersonalData personalData, BalanceLimits limits, AccountClassRegulation regulation, ILedger ledger)
{
    public async Task<RealNameDto> ForAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext();
        var user = await db.Set<UserRow>().AsNoTracking().FirstAsync(u => u.Id == userId, cancellationToken);
        var record = await db.Set<RealNameRecordRow>().AsNoTracking().FirstOrDefaultAsync(r => r.UserId == userId, cancellationToken);
        var table = AccountClasses.Table(regulation);
        var verified = user.AccountClass > AccountClasses.None;
        var limitsNow = verified ? await limits.StatusAsync(userId, cancellationToken) : [];
        RealNameDto.ChoiceDto? choice = null;
        if (record?.ClassThreeHeldBy is { } otherId
            && await db.Set<UserRow>().AsNoTracking().FirstOrDefaultAsync(u => u.Id == otherId, cancellationToken) is { } other)
        {
            var balance = (ledger.GetAccount(other.WalletAccountId)?.AvailableCreditBalance ?? 0)
                + (ledger.GetAccount(other.ConsumptionAccountId)?.AvailableCreditBalance ?? 0);
            choice = new(other.Id, PersonalDataMask.Phone(personalData.Unprotect(other.PhoneCipher, PersonalData.Phone)), balance,
                new Money(balance).ToString(), [ClassThreeChoice.Downgrade, ClassThreeChoice.Merge]);
        }
        // The identity on record: the verified one, or (still unverified) the one last submitted.
        var (name, idNumber) = (user.NameCipher ?? record?.NameCipher, user.IdNumberCipher ?? record?.IdNumberCipher);
        return new RealNameDto(
            verified, user.AccountClass, AccountClasses.Name(user.AccountClass),
            name is null ? null : PersonalDataMask.Name(personalData.Unprotect(name, PersonalData.Name)),
            idNumber is null ? null : PersonalDataMask.IdNumber(personalData.Unprotect(idNumber, PersonalData.IdNumber)),
            user.VerifiedSources, record is null ? [] : RealNameVerification.SplitSources(record.MatchedSources), user.FaceToFaceVerified,
            user.VerifiedAt is { } at ? ChinaTime.Format(at) : null,
            table[user.AccountClass], table, limitsNow.Select(ToDto).ToList(), choice);
    }

    private static RealNameDto.LimitDto ToDto(LimitStatus s) => new(
        s.Kind switch
        {
            BalanceLimitKind.ClassOneSinceOpening => "class-one-since-opening",
            BalanceLimitKind.ClassTwoYear => "class-two-year",
            _ => "class-three-year",
        },
        s.LimitFen, s.RemainingFen, new Money(s.RemainingFen).ToString(), s.ResetsAt is { } at ? ChinaTime.Format(at) : null);
}
