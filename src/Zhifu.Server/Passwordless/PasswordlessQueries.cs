using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;
using Zhifu.Server.Lifecycle;
using Zhifu.Server.Payments;
using Zhifu.Server.Security;

namespace Zhifu.Server.Passwordless;

/// <summary>What operators search agreements by: any of the user's phone, the merchant, the state; one page of it.</summary>
public sealed record AgreementSearch(string? Phone, string? MchId, string? State, int Skip, int PageSize);

/// <summary>One agreement found by operators: the user's phone masked (ACC-8) and the agreement.</summary>
public sealed record AgreementHit(string User, PasswordlessEndpoints.AgreementDto Agreement);

public sealed record AgreementPage(IReadOnlyList<AgreementHit> Rows, int Total);

/// <summary>A passwordless contract as its merchant sees it in the console (the protocol's fields, no personal data).</summary>
public sealed record MerchantContractView(string ContractId, long PlanId, string? OutContractCode, string? DisplayAccount, string? OpenId,
    string State, string PerPaymentLimit, string DailyLimit, string? SignedAt, string? TerminatedAt, string? TerminationMode);

/// <summary>An order charged under a passwordless contract, as its merchant sees it (state is the protocol's trade_state).</summary>
public sealed record MerchantPasswordlessOrder(Guid OrderId, string OutTradeNo, string TransactionId, string? ContractId, long AmountFen,
    string Amount, string State, string CreatedAt, string? PaidAt);

/// <summary>Reading agreements and passwordless payments, for the user (PWL-5: one call, everything) and for operators.</summary>
public sealed class PasswordlessQueries(DatabaseOptions database, PasswordlessOptions options, WalletAccounts accounts,
    WalletCredentials credentials, PaymentLedger money, AuditLog audit, IClock clock)
{
    public async Task<PasswordlessEndpoints.OverviewDto> OverviewAsync(Guid userId, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var rows = await db.Set<PasswordlessAgreementRow>().AsNoTracking().Where(a => a.UserId == userId)
            .OrderByDescending(a => a.SignedAt).Take(options.ListMax).ToListAsync(ct);
        var names = await NamesAsync(db, rows, ct);
        var ids = rows.Select(a => (Guid?)a.Id).ToList();
        var paid = await db.Set<PaymentOrderRow>().AsNoTracking()
            .Where(o => o.PayerUserId == userId && o.State == PaymentOrders.Success && o.PaidPasswordless && ids.Contains(o.PasswordlessAgreementId))
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

    /// <summary>At most this many agreements on one page of the operators' search (API and console alike).</summary>
    public const int SearchPageMax = 100;

    /// <summary>Past this many skipped rows the search asks for a narrower filter.</summary>
    public const int SearchSkipMax = 10_000;

    /// <summary>The states an operator filters agreements by (a PENDING pre-sign is no agreement yet).</summary>
    public static readonly string[] SearchStates = [PasswordlessAgreementRow.Signed, PasswordlessAgreementRow.Terminated];

    /// <summary>
    /// Operators' search: by the user's phone (blind index), merchant and state, newest first, masked, one page of at most
    /// <see cref="SearchPageMax"/>. A search by phone reads personal data and is audited (SEC-1), as the user search is.
    /// </summary>
    public async Task<AgreementPage> SearchAsync(AgreementSearch search, OperatorActor by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(search);
        ArgumentNullException.ThrowIfNull(by);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(search.PageSize, SearchPageMax);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(search.Skip, SearchSkipMax);
        Guid? userId = null;
        if (search.Phone is { } phone)
        {
            userId = (await accounts.FindByPhoneAsync(phone, ct))?.Id ?? Guid.Empty;
        }
        await using var db = database.CreateContext();
        var query = db.Set<PasswordlessAgreementRow>().AsNoTracking()
            .Where(a => a.State != PasswordlessAgreementRow.Pending && (userId == null || a.UserId == userId)
                && (search.MchId == null || a.MchId == search.MchId) && (search.State == null || a.State == search.State));
        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(a => a.SignedAt).ThenBy(a => a.Id).Skip(search.Skip).Take(search.PageSize).ToListAsync(ct);
        var names = await NamesAsync(db, rows, ct);
        var phones = new Dictionary<Guid, string>();
        foreach (var id in rows.Select(a => a.UserId!.Value).Distinct())
        {
            phones[id] = PersonalDataMask.Phone(credentials.PhoneOf((await accounts.FindAsync(id, ct))!));
        }
        if (search.Phone is not null)
        {
            await audit.AppendAsync(by.Username, by.Role, "passwordless.agreements.search", "phone " + PersonalDataMask.Phone(search.Phone),
                $"{total} found");
        }
        return new AgreementPage([.. rows.Select(a => new AgreementHit(phones[a.UserId!.Value], Dto(a, names)))], total);
    }

    /// <summary>
    /// 免密协议 of one merchant for its console (newest first): what the protocol tells the merchant — contract id, plan, its
    /// own codes, the display account, the payer's openid — never the user's phone or name.
    /// </summary>
    public async Task<(IReadOnlyList<MerchantContractView> Rows, int Total)> MerchantContractsAsync(string mchId, int skip, int take,
        CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(take, SearchPageMax);
        await using var db = database.CreateContext();
        var query = db.Set<PasswordlessAgreementRow>().AsNoTracking()
            .Where(a => a.MchId == mchId && a.Kind == PasswordlessAgreementRow.KindMerchant && a.State != PasswordlessAgreementRow.Pending);
        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(a => a.SignedAt).ThenBy(a => a.Id).Skip(skip).Take(take).ToListAsync(ct);
        return ([.. rows.Select(a => new MerchantContractView(a.ContractId!, a.PlanId, a.OutContractCode, a.DisplayAccount,
            a.UserId is { } user && a.AppId is { } app ? money.OpenId(app, user) : null, a.State,
            new Money(a.PerPaymentLimitFen).ToString(), new Money(a.DailyLimitFen).ToString(),
            a.SignedAt is { } s ? ChinaTime.Format(s) : null,
            a.TerminatedAt is { } t ? ChinaTime.Format(t) : null, a.TerminationMode))], total);
    }

    /// <summary>One merchant's orders charged (or asked to be) under its passwordless contracts, newest first.</summary>
    public async Task<(IReadOnlyList<MerchantPasswordlessOrder> Rows, int Total)> MerchantOrdersAsync(string mchId, int skip, int take,
        CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(take, SearchPageMax);
        await using var db = database.CreateContext();
        var query = db.Set<PaymentOrderRow>().AsNoTracking().Where(o => o.MchId == mchId && o.PasswordlessAgreementId != null);
        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(o => o.CreatedAt).ThenBy(o => o.Id).Skip(skip).Take(take).ToListAsync(ct);
        var ids = rows.Select(o => o.PasswordlessAgreementId).Distinct().ToList();
        var contracts = await db.Set<PasswordlessAgreementRow>().AsNoTracking().Where(a => ids.Contains(a.Id))
            .ToDictionaryAsync(a => a.Id, a => a.ContractId, ct);
        var now = clock.UtcNow;
        return ([.. rows.Select(o => new MerchantPasswordlessOrder(o.Id, o.OutTradeNo, o.TransactionId,
            contracts.GetValueOrDefault(o.PasswordlessAgreementId!.Value),
            o.TotalFen, new Money(o.TotalFen).ToString(), TransactionView.State(o, now), ChinaTime.Format(o.CreatedAt),
            o.SuccessTime is { } paid ? ChinaTime.Format(paid) : null))], total);
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
