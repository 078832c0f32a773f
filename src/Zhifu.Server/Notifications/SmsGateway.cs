using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Security;

namespace Zhifu.Server.Notifications;

/// <summary>Sends texts to phones (CS-3). Every text goes to the SMS outbox first; a gateway delivers from there.</summary>
public interface ISmsGateway
{
    /// <summary>Queues a text to a phone number; <paramref name="kind"/> says what it is (otp, account, alert …).</summary>
    Task SendAsync(string phone, string kind, string body, CancellationToken cancellationToken);
}

/// <summary>
/// The outbox-backed gateway: the body is encrypted at rest (it may hold a one-time code) and the number is kept only
/// encrypted, by blind index and masked.
/// </summary>
public sealed class SmsOutbox(DatabaseOptions database, PersonalData personalData, IClock clock) : ISmsGateway
{
    public async Task SendAsync(string phone, string kind, string body, CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext();
        db.Set<SmsMessageRow>().Add(new SmsMessageRow
        {
            Id = Guid.CreateVersion7(),
            PhoneIndex = personalData.BlindIndex(phone, PersonalData.Phone),
            PhoneCipher = personalData.Protect(phone, PersonalData.Phone),
            PhoneMasked = PersonalDataMask.Phone(phone),
            BodyCipher = personalData.Protect(body, "sms-body"),
            Kind = kind,
            CreatedAt = clock.UtcNow,
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The latest texts to one phone, decrypted (the development inbox, and tests acting as the phone).</summary>
    public async Task<IReadOnlyList<(DateTimeOffset At, string Kind, string Body)>> ReadAsync(string phone, int count,
        CancellationToken cancellationToken)
    {
        var index = personalData.BlindIndex(phone, PersonalData.Phone);
        await using var db = database.CreateContext();
        var rows = await db.Set<SmsMessageRow>().Where(m => m.PhoneIndex == index).OrderByDescending(m => m.CreatedAt)
            .Take(Math.Clamp(count, 1, 50)).ToListAsync(cancellationToken);
        return rows.Select(r => (r.CreatedAt, r.Kind, personalData.Unprotect(r.BodyCipher, "sms-body"))).ToList();
    }
}
