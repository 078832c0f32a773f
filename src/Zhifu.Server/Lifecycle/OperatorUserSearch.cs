using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;
using Zhifu.Server.Security;

namespace Zhifu.Server.Lifecycle;

/// <summary>
/// Operators find a wallet by phone or ID number through the blind index (SEC-2, ACC-8): every field masked, with the
/// restrictions in force. A phone also finds wallets it has left (closed, or taken away by the carrier), so a holder who
/// lost the number can be recovered at the counter. Searches of personal data are audited.
/// </summary>
public static class OperatorUserSearch
{
    public sealed record FormerNumberDto(string Phone, string Cause, string OccurredAt);
    public sealed record OpsRestrictionDto(WalletLifecycleEndpoints.RestrictionDto Restriction, string CreatedBy);
    public sealed record UserDto(Guid UserId, string? Phone, bool PhoneDetached, string? Name, string? IdNumber, int AccountClass,
        string Status, string OpenedVia, string OpenedAt, string? ClosedAt, IReadOnlyList<FormerNumberDto> FormerNumbers,
        IReadOnlyList<OpsRestrictionDto> Restrictions);

    /// <summary>The search key: exactly one of the two.</summary>
    public sealed record SearchRequest(string? Phone, string? IdNumber);

    /// <summary>
    /// A POST with the key in its body, never a GET with it in the address: a phone or ID number in a URL stays in browser
    /// history, proxy and gateway access logs and Referer headers (ACC-8: personal data never in a log).
    /// </summary>
    public static void Map(WebApplication app) =>
        app.MapPost("/api/ops/users/search", SearchAsync).WithTags("Operator: users")
            .RequireAuthorization(OperatorLifecycleEndpoints.Roles("service", "operations", "risk", "audit"));

    private static async Task<IResult> SearchAsync(SearchRequest request, ClaimsPrincipal principal, IServiceProvider services,
        HttpContext context)
    {
        var (found, error) = await FindAsync(Blank(request.Phone), Blank(request.IdNumber), OperatorActor.Of(principal), services,
            context.RequestAborted);
        return error?.ToResult(context) ?? Results.Ok(found);
    }

    private static string? Blank(string? key) => string.IsNullOrWhiteSpace(key) ? null : key.Trim();

    /// <summary>The wallets a phone or ID number finds, masked, with their restrictions; the search itself is audited. The
    /// Operator API and the operator console both search through here.</summary>
    public static async Task<(IReadOnlyList<UserDto>? Found, WalletError? Error)> FindAsync(string? phone, string? idNumber,
        OperatorActor by, IServiceProvider services, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(by);
        ArgumentNullException.ThrowIfNull(services);
        if ((phone is null) == (idNumber is null))
        {
            return (null, LifecycleErrors.SearchKeyRequired);
        }
        var normalizedId = LifecycleInput.IdNumber(idNumber);
        if (phone is not null && !CredentialRules.IsPhone(phone))
        {
            return (null, WalletErrors.InvalidPhone);
        }
        if (idNumber is not null && normalizedId is null)
        {
            return (null, LifecycleErrors.InvalidIdNumber);
        }
        var database = services.GetRequiredService<DatabaseOptions>();
        var personalData = services.GetRequiredService<PersonalData>();
        var restrictions = services.GetRequiredService<AccountRestrictions>();
        List<UserRow> users;
        await using (var db = database.CreateContext())
        {
            if (phone is not null)
            {
                var index = personalData.BlindIndex(phone, PersonalData.Phone);
                var formerly = db.Set<PhoneReleaseRow>().Where(p => p.PhoneIndex == index).Select(p => p.UserId);
                users = await db.Set<UserRow>().AsNoTracking().Where(u => u.PhoneIndex == index || formerly.Contains(u.Id)).ToListAsync(ct);
            }
            else
            {
                var index = personalData.BlindIndex(normalizedId!, PersonalData.IdNumber);
                users = await db.Set<UserRow>().AsNoTracking().Where(u => u.IdNumberIndex == index).Take(50).ToListAsync(ct);
            }
        }
        var found = new List<UserDto>();
        foreach (var user in users.OrderBy(u => u.CreatedAt))
        {
            found.Add(await DescribeAsync(user, database, personalData, restrictions, ct));
        }
        var key = phone is not null ? "phone " + PersonalDataMask.Phone(phone) : "id " + PersonalDataMask.IdNumber(normalizedId);
        await services.GetRequiredService<AuditLog>().AppendAsync(by.Username, by.Role, "user.search", key, $"{found.Count} found");
        return (found, null);
    }

    private static async Task<UserDto> DescribeAsync(UserRow user, DatabaseOptions database, PersonalData personalData,
        AccountRestrictions restrictions, CancellationToken ct)
    {
        List<PhoneReleaseRow> released;
        await using (var db = database.CreateContext())
        {
            released = await db.Set<PhoneReleaseRow>().AsNoTracking().Where(p => p.UserId == user.Id).OrderBy(p => p.RecordedAt)
                .ToListAsync(ct);
        }
        var active = await restrictions.ActiveAsync(user, ct);
        var closed = user.Status == WalletAccounts.StatusClosed;
        return new UserDto(user.Id,
            closed || user.PhoneIndex is null ? null : PersonalDataMask.Phone(personalData.Unprotect(user.PhoneCipher, PersonalData.Phone)),
            !closed && user.PhoneIndex is null,
            user.NameCipher is null ? null : PersonalDataMask.Name(personalData.Unprotect(user.NameCipher, PersonalData.Name)),
            user.IdNumberCipher is null ? null
                : PersonalDataMask.IdNumber(personalData.Unprotect(user.IdNumberCipher, PersonalData.IdNumber)),
            user.AccountClass, closed ? "closed" : "active", user.OpenedVia, ChinaTime.Format(user.CreatedAt),
            user.ClosedAt is { } c ? ChinaTime.Format(c) : null,
            [.. released.Select(p => new FormerNumberDto(p.PhoneMasked, p.Cause, ChinaTime.Format(p.OccurredAt)))],
            [.. active.Select(r => new OpsRestrictionDto(WalletLifecycleEndpoints.ToDto(r), r.CreatedBy))]);
    }
}
