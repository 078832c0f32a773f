using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;
using Zhifu.Server.Payments;

namespace Zhifu.Server.Passwordless;

/// <summary>Reading agreements and passwordless payments, for the user (PWL-5: one call, everything) and for operators.</summary>
public sealed class PasswordlessQueries(DatabaseOptions database, PasswordlessOptions options, WalletAccounts accounts,
    WalletCredentials credentials)
{
    public async Task<PasswordlessEndpoints.OverviewDto> OverviewAsync(Guid userId, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var rows = await db.Set<PasswordlessAgreementRow>().AsNoTracking().Where(a => a.UserId == userId)
            .OrderByDescending(a => a.SignedAt).Take(options.ListMax).ToListAsync(ct);
        var names = await NamesAsync(db, rows, ct);
        var ids = rows.Select(a => (Guid?)a.Id).ToList();
        var paid = await db.Set<PaymentOrderRow>().AsNoTracking()
            .Where(o => o.PayerUserId == userId && o.State == PaymentOrders.Success && ids.Contains(o.PasswordlessAgreementId))
            .OrderByDescending(o => o.SuccessTime).Take(options.ListMax).ToListAsync(ct);
        var orderIds = paid.Select(o => o.Id).ToList();
        var disputed = (await db.Set<PasswordlessDisputeRow>().AsNoTracking().Where(d => orderIds.Contains(d.OrderId)).Select(d => d.OrderId)
            .ToListAsync(ct)).ToHashSet();
        var merchants = await db.Merchants.AsNoTracking().Where(m => paid.Select(o => o.MerchantId).Contains(m.Id))
            .ToDictionaryAsync(m => m.Id, m => m.Name, ct);
        return new PasswordlessEndpoints.OverviewDto([.. rows.Select(a => Dto(a, names))],
            [.. paid.Select(o => new PasswordlessEndpoints.PaymentDto(o.TransactionId, merchants[o.MerchantId], o.Description, o.TotalFen,
                new Money(o.TotalFen).ToString(), ChinaTime.Format(o.SuccessTime!.Value), disputed.Contains(o.Id)))]);
    }

    public async Task<PasswordlessEndpoints.AgreementDto> DtoAsync(PasswordlessAgreementRow row, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return Dto(row, await NamesAsync(db, [row], ct));
    }

    /// <summary>Operators' search: by the user's phone (blind index) and/or merchant, newest first, masked.</summary>
    public async Task<IReadOnlyList<object>> SearchAsync(string? phone, string? mchId, int limit, CancellationToken ct)
    {
        Guid? userId = null;
        if (!string.IsNullOrEmpty(phone))
        {
            userId = (await accounts.FindByPhoneAsync(phone, ct))?.Id ?? Guid.Empty;
        }
        await using var db = database.CreateContext();
        var rows = await db.Set<PasswordlessAgreementRow>().AsNoTracking()
            .Where(a => a.State != PasswordlessAgreementRow.Pending && (userId == null || a.UserId == userId) && (mchId == null || a.MchId == mchId))
            .OrderByDescending(a => a.SignedAt).Take(limit).ToListAsync(ct);
        var names = await NamesAsync(db, rows, ct);
        var phones = new Dictionary<Guid, string>();
        foreach (var id in rows.Select(a => a.UserId!.Value).Distinct())
        {
            phones[id] = PersonalDataMask.Phone(credentials.PhoneOf((await accounts.FindAsync(id, ct))!));
        }
        return [.. rows.Select(a => (object)new { user = phones[a.UserId!.Value], agreement = Dto(a, names) })];
    }

    private static async Task<Dictionary<Guid, string>> NamesAsync(ZhifuDb db, IReadOnlyList<PasswordlessAgreementRow> rows, CancellationToken ct)
    {
        var ids = rows.Where(a => a.MerchantId != null).Select(a => a.MerchantId!.Value).Distinct().ToList();
        return await db.Merchants.AsNoTracking().Where(m => ids.Contains(m.Id)).ToDictionaryAsync(m => m.Id, m => m.Name, ct);
    }

    private static PasswordlessEndpoints.AgreementDto Dto(PasswordlessAgreementRow a, Dictionary<Guid, string> names) => new(a.ContractId!,
        a.Kind, a.MerchantId is { } m ? names.GetValueOrDefault(m) : null, a.DisplayAccount, a.State, a.PerPaymentLimitFen, a.DailyLimitFen,
        new Money(a.PerPaymentLimitFen).ToString(), new Money(a.DailyLimitFen).ToString(), a.Elderly, a.TextVersion ?? "",
        a.SignedAt is { } s ? ChinaTime.Format(s) : null, a.SignedVia, a.TerminatedAt is { } t ? ChinaTime.Format(t) : null, a.TerminationMode);
}
