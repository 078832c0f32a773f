using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Funds;
using Zhifu.Server.Security;
using Zhifu.Server.Transfers;
using static Zhifu.Server.Risk.Aml.AmlMovementTypes;

namespace Zhifu.Server.Risk.Aml;

/// <summary>
/// Reads the money movements the reports judge (RISK-6), finished ones only, by the time the money moved: wallet transfers
/// (to a wallet or to the holder's card) when they succeeded, merchant payments when paid, refunds when refunded, top-ups and
/// withdrawals when the bank confirmed them. Read-only; the ledger's own tables are not touched.
/// </summary>
public sealed class AmlSources(DatabaseOptions database, PersonalData personalData)
{
    private const string Paid = "SUCCESS";
    private const int LookupChunk = 500;

    /// <summary>
    /// Every movement in [<paramref name="from"/>, <paramref name="to"/>); at most <paramref name="max"/> rows per source, with
    /// <c>Truncated</c> set when a source had more.
    /// </summary>
    public async Task<(List<AmlMovement> Moves, bool Truncated)> LoadAsync(DateTimeOffset from, DateTimeOffset to, int max,
        CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var moves = new List<AmlMovement>();
        var transfers = await db.Set<WalletTransferRow>().AsNoTracking()
            .Where(t => t.Status == WalletTransfers.Succeeded && t.ResolvedAt >= from && t.ResolvedAt < to)
            .OrderBy(t => t.ResolvedAt).Take(max + 1)
            .Select(t => new
            {
                t.Id, t.PayerUserId, t.PayeeUserId, t.CardToken, t.PayeeMasked, t.PayeeNameMasked, t.AmountFen, t.ResolvedAt,
            })
            .ToListAsync(ct);
        foreach (var t in transfers.Take(max))
        {
            var reference = t.Id.ToString("N");
            if (t.PayeeUserId is { } payee)
            {
                moves.Add(new(UserKey(t.PayerUserId), reference, t.ResolvedAt!.Value, Transfer, false, t.AmountFen, UserKey(payee), ""));
                moves.Add(new(UserKey(payee), reference, t.ResolvedAt.Value, Transfer, true, t.AmountFen, UserKey(t.PayerUserId), ""));
            }
            else
            {
                moves.Add(new(UserKey(t.PayerUserId), reference, t.ResolvedAt!.Value, ToCard, false, t.AmountFen,
                    CardKey(t.CardToken ?? reference), $"{t.PayeeNameMasked} {t.PayeeMasked}"));
            }
        }
        var payments = await db.Set<PaymentOrderRow>().AsNoTracking()
            .Where(o => o.State == Paid && o.SuccessTime >= from && o.SuccessTime < to && o.PayerUserId != null)
            .OrderBy(o => o.SuccessTime).Take(max + 1)
            .Select(o => new { o.TransactionId, o.MerchantId, o.PayerUserId, o.TotalFen, o.SuccessTime }).ToListAsync(ct);
        foreach (var o in payments.Take(max))
        {
            moves.Add(new(UserKey(o.PayerUserId!.Value), o.TransactionId, o.SuccessTime!.Value, Payment, false, o.TotalFen,
                MerchantKey(o.MerchantId), ""));
            moves.Add(new(MerchantKey(o.MerchantId), o.TransactionId, o.SuccessTime.Value, Payment, true, o.TotalFen,
                UserKey(o.PayerUserId.Value), ""));
        }
        var refunds = await db.Set<PaymentRefundRow>().AsNoTracking()
            .Where(r => r.Status == Paid && r.SuccessTime >= from && r.SuccessTime < to)
            .Join(db.Set<PaymentOrderRow>(), r => r.OrderId, o => o.Id,
                (r, o) => new { r.RefundId, r.MerchantId, o.PayerUserId, r.RefundFen, r.SuccessTime })
            .Where(r => r.PayerUserId != null)
            .OrderBy(r => r.SuccessTime).Take(max + 1).ToListAsync(ct);
        foreach (var r in refunds.Take(max))
        {
            moves.Add(new(MerchantKey(r.MerchantId), r.RefundId, r.SuccessTime!.Value, Refund, false, r.RefundFen,
                UserKey(r.PayerUserId!.Value), ""));
            moves.Add(new(UserKey(r.PayerUserId.Value), r.RefundId, r.SuccessTime.Value, Refund, true, r.RefundFen,
                MerchantKey(r.MerchantId), ""));
        }
        var funds = await db.Set<FundMovementRow>().AsNoTracking()
            .Where(f => f.Status == FundMovements.Succeeded && (f.Kind == FundMovements.TopUp || f.Kind == FundMovements.Withdrawal))
            .Where(f => f.ResolvedAt >= from && f.ResolvedAt < to)
            .OrderBy(f => f.ResolvedAt).Take(max + 1)
            .Select(f => new { f.Id, f.UserId, f.Kind, f.CardToken, f.Bank, f.CardMasked, f.AmountFen, f.ResolvedAt }).ToListAsync(ct);
        foreach (var f in funds.Take(max))
        {
            var topUp = f.Kind == FundMovements.TopUp;
            moves.Add(new(UserKey(f.UserId), f.Id.ToString("N"), f.ResolvedAt!.Value, topUp ? TopUp : Withdrawal, topUp, f.AmountFen,
                CardKey(f.CardToken), $"{f.Bank} {f.CardMasked}"));
        }
        var truncated = transfers.Count > max || payments.Count > max || refunds.Count > max || funds.Count > max;
        return ([.. moves.OrderBy(m => m.At).ThenBy(m => m.Reference, StringComparer.Ordinal)], truncated);
    }

    /// <summary>
    /// Which of <paramref name="users"/>' wallets had any finished movement in [<paramref name="from"/>, <paramref name="to"/>):
    /// four queries per 500 wallets, however many there are (the dormant-wallet rule asks it of every wallet that moved much).
    /// </summary>
    public async Task<HashSet<Guid>> ActiveAsync(IReadOnlyCollection<Guid> users, DateTimeOffset from, DateTimeOffset to,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(users);
        var active = new HashSet<Guid>();
        await using var db = database.CreateContext();
        foreach (var chunk in users.Chunk(LookupChunk))
        {
            var transfers = await db.Set<WalletTransferRow>().AsNoTracking()
                .Where(t => t.Status == WalletTransfers.Succeeded && t.ResolvedAt >= from && t.ResolvedAt < to
                    && (chunk.Contains(t.PayerUserId) || (t.PayeeUserId != null && chunk.Contains(t.PayeeUserId.Value))))
                .Select(t => new { t.PayerUserId, t.PayeeUserId }).Distinct().ToListAsync(ct);
            active.UnionWith(transfers.SelectMany(t => t.PayeeUserId is { } payee ? new[] { t.PayerUserId, payee } : [t.PayerUserId]));
            active.UnionWith(await db.Set<PaymentOrderRow>().AsNoTracking()
                .Where(o => o.State == Paid && o.SuccessTime >= from && o.SuccessTime < to && o.PayerUserId != null
                    && chunk.Contains(o.PayerUserId.Value))
                .Select(o => o.PayerUserId!.Value).Distinct().ToListAsync(ct));
            active.UnionWith(await db.Set<PaymentRefundRow>().AsNoTracking()
                .Where(r => r.Status == Paid && r.SuccessTime >= from && r.SuccessTime < to && chunk.Contains(r.PayerUserId))
                .Select(r => r.PayerUserId).Distinct().ToListAsync(ct));
            active.UnionWith(await db.Set<FundMovementRow>().AsNoTracking()
                .Where(f => f.Status == FundMovements.Succeeded && (f.Kind == FundMovements.TopUp || f.Kind == FundMovements.Withdrawal)
                    && f.ResolvedAt >= from && f.ResolvedAt < to && chunk.Contains(f.UserId))
                .Select(f => f.UserId).Distinct().ToListAsync(ct));
        }
        active.IntersectWith(users);
        return active;
    }

    /// <summary>
    /// The person behind each wallet of <paramref name="keys"/> whose holder's ID number is verified (<c>P:</c> and the ID
    /// number's blind index): the reports judge a customer, not an account, and one person may hold several wallets (a second
    /// wallet at the institution, recognised by that index as transfers recognise it). Wallets without one stay themselves.
    /// </summary>
    public async Task<Dictionary<string, string>> PeopleAsync(IEnumerable<string> keys, CancellationToken ct)
    {
        var users = keys.Where(k => k.StartsWith("U:", StringComparison.Ordinal)).Distinct(StringComparer.Ordinal)
            .Select(k => Guid.Parse(k[2..])).ToList();
        var people = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var db = database.CreateContext();
        foreach (var chunk in users.Chunk(LookupChunk))
        {
            var rows = await db.Users.AsNoTracking().Where(u => chunk.Contains(u.Id) && u.IdNumberIndex != null)
                .Select(u => new { u.Id, u.IdNumberIndex }).ToListAsync(ct);
            foreach (var u in rows)
            {
                people[UserKey(u.Id)] = PersonKey(u.IdNumberIndex!);
            }
        }
        return people;
    }

    /// <summary>The customers and counterparties behind <paramref name="keys"/>, masked (ACC-8); cards are not looked up.</summary>
    public async Task<Dictionary<string, AmlCustomer>> CustomersAsync(IEnumerable<string> keys, CancellationToken ct)
    {
        var distinct = keys.Distinct(StringComparer.Ordinal).ToList();
        var users = distinct.Where(k => k.StartsWith("U:", StringComparison.Ordinal)).Select(k => Guid.Parse(k[2..])).ToList();
        var merchants = distinct.Where(k => k.StartsWith("M:", StringComparison.Ordinal)).Select(k => Guid.Parse(k[2..])).ToList();
        var found = new Dictionary<string, AmlCustomer>(StringComparer.Ordinal);
        await using var db = database.CreateContext();
        foreach (var chunk in users.Chunk(LookupChunk))
        {
            var rows = await db.Users.AsNoTracking().Where(u => chunk.Contains(u.Id))
                .Select(u => new { u.Id, u.PhoneCipher, u.NameCipher, u.IdNumberCipher, u.CreatedAt }).ToListAsync(ct);
            foreach (var u in rows)
            {
                found[UserKey(u.Id)] = new AmlCustomer(UserKey(u.Id), true, u.Id.ToString(),
                    u.NameCipher is null ? "" : PersonalDataMask.Name(personalData.Unprotect(u.NameCipher, PersonalData.Name)),
                    PersonalDataMask.Phone(personalData.Unprotect(u.PhoneCipher, PersonalData.Phone)),
                    u.IdNumberCipher is null ? ""
                        : PersonalDataMask.IdNumber(personalData.Unprotect(u.IdNumberCipher, PersonalData.IdNumber)),
                    u.CreatedAt);
            }
        }
        foreach (var key in distinct.Where(k => k.StartsWith("P:", StringComparison.Ordinal)))
        {
            // a person's wallets: one customer (art. 5 以客户为单位), named by them all; at most as many as hits, so one query each
            var index = Convert.FromHexString(key[2..]);
            var wallets = await db.Users.AsNoTracking().Where(u => u.IdNumberIndex == index).OrderBy(u => u.CreatedAt)
                .Select(u => new { u.Id, u.PhoneCipher, u.NameCipher, u.IdNumberCipher, u.CreatedAt }).Take(LookupChunk).ToListAsync(ct);
            if (wallets.Count == 0)
            {
                continue;
            }
            var named = wallets.FirstOrDefault(w => w.NameCipher is not null && w.IdNumberCipher is not null) ?? wallets[0];
            found[key] = new AmlCustomer(key, true, string.Join(";", wallets.Select(w => w.Id)),
                named.NameCipher is null ? "" : PersonalDataMask.Name(personalData.Unprotect(named.NameCipher, PersonalData.Name)),
                string.Join(";", wallets.Select(w => PersonalDataMask.Phone(personalData.Unprotect(w.PhoneCipher, PersonalData.Phone)))),
                named.IdNumberCipher is null ? ""
                    : PersonalDataMask.IdNumber(personalData.Unprotect(named.IdNumberCipher, PersonalData.IdNumber)),
                wallets[0].CreatedAt);
        }
        foreach (var chunk in merchants.Chunk(LookupChunk))
        {
            var rows = await db.Merchants.AsNoTracking().Where(m => chunk.Contains(m.Id))
                .Select(m => new { m.Id, m.MchId, m.Name, m.CreatedAt }).ToListAsync(ct);
            foreach (var m in rows)
            {
                // A merchant is a business: its registered name is not personal data; its legal person's data never appears.
                found[MerchantKey(m.Id)] = new AmlCustomer(MerchantKey(m.Id), false, m.MchId, m.Name, "", "", m.CreatedAt);
            }
        }
        return found;
    }
}
