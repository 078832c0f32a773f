using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Core.Ledger;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Security;

namespace Zhifu.Server.Accounts;

/// <summary>How a wallet was opened (ACC-1).</summary>
public static class OpeningChannels
{
    public const string App = "app";
    public const string Sms = "sms";
    public const string Counter = "counter";
}

/// <summary>What an opening needs: the phone, the channel, the accepted agreement and the first login password.</summary>
public sealed record OpeningRequest(string Phone, string Channel, string AgreementVersion, string LoginPasswordHash,
    bool MustChangeLoginPassword, string? DeviceId);

/// <summary>
/// Opens wallets (ACC-1): one wallet per phone number, whatever the channel; refuses batch opening from one device
/// (ACC-3). A wallet is two ledger accounts: the balance, and the consumption-only funds that came from credit cards
/// (CARD-3).
/// </summary>
public sealed class WalletAccounts(DatabaseOptions database, ILedger ledger, PersonalData personalData, IClock clock, AccountsOptions options,
    Lifecycle.IOpeningScreen openingScreen)
{
    public const int StatusActive = 1;
    public const int StatusClosed = 9;

    public async Task<(UserRow? User, WalletError? Error)> OpenAsync(OpeningRequest request, CancellationToken cancellationToken)
    {
        var now = clock.UtcNow;
        var phoneIndex = personalData.BlindIndex(request.Phone, PersonalData.Phone);
        var deviceIndex = request.DeviceId is { Length: > 0 } d ? personalData.BlindIndex(d, "device") : null;
        await using var db = database.CreateContext();
        if (await db.Set<UserRow>().AnyAsync(u => u.PhoneIndex == phoneIndex, cancellationToken))
        {
            return (null, WalletErrors.PhoneTaken);
        }
        if (deviceIndex is not null && await OpenedOnDeviceAsync(db, deviceIndex, now, cancellationToken) >= options.OpeningsPerDeviceDayMax)
        {
            return (null, WalletErrors.BatchOpening);
        }
        // ACC-5: a phone or device listed for trading accounts or a false identity is refused new accounts for a while.
        var subject = new Lifecycle.OpeningSubject(request.Phone, IdNumber: null, request.DeviceId);
        if (await openingScreen.RefusalAsync(subject, cancellationToken) is { } barred)
        {
            return (null, barred);
        }
        var user = new UserRow
        {
            Id = Guid.CreateVersion7(),
            PhoneCipher = personalData.Protect(request.Phone, PersonalData.Phone),
            PhoneIndex = phoneIndex,
            WalletAccountId = Guid.CreateVersion7(),
            ConsumptionAccountId = Guid.CreateVersion7(),
            Status = StatusActive,
            LoginPasswordHash = request.LoginPasswordHash,
            MustChangeLoginPassword = request.MustChangeLoginPassword,
            OpenedVia = request.Channel,
            OpeningDeviceIndex = deviceIndex,
            AgreementVersion = request.AgreementVersion,
            AgreementAcceptedAt = now,
            CreatedAt = now,
        };
        // Ledger accounts first: creating them again is idempotent, and a user row never points at a missing account.
        var created = await ledger.CreateAccountsAsync([
            new NewAccount { Id = user.WalletAccountId, Ledger = Ledgers.Cny, Code = AccountCode.UserWallet, Flags = AccountFlags.DebitsMustNotExceedCredits },
            new NewAccount
            {
                Id = user.ConsumptionAccountId, Ledger = Ledgers.Cny, Code = AccountCode.UserConsumptionFunds,
                Flags = AccountFlags.DebitsMustNotExceedCredits,
            },
        ], cancellationToken);
        if (created.Any(r => !r.IsSuccess()))
        {
            throw new InvalidOperationException("wallet ledger accounts: " + string.Join(", ", created));
        }
        db.Set<UserRow>().Add(user);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Two openings for one phone at once: the unique blind index lets exactly one through.
            return (null, WalletErrors.PhoneTaken);
        }
        if (deviceIndex is not null && await OpenedOnDeviceAsync(db, deviceIndex, now, cancellationToken) > options.OpeningsPerDeviceDayMax)
        {
            // Counted again with this wallet in: openings sent at once from one device all passed the count above. The
            // wallet goes again (no session, no money yet); at a tie each sees the other and both go — never one too many.
            await db.Set<UserRow>().Where(u => u.Id == user.Id).ExecuteDeleteAsync(CancellationToken.None);
            return (null, WalletErrors.BatchOpening);
        }
        return (user, null);
    }

    /// <summary>Wallets opened on the device in the last day (ACC-3's batch-opening rule).</summary>
    private static Task<int> OpenedOnDeviceAsync(ZhifuDb db, byte[] deviceIndex, DateTimeOffset now, CancellationToken ct) =>
        db.Set<UserRow>().CountAsync(u => u.OpeningDeviceIndex == deviceIndex && u.CreatedAt > now.AddDays(-1), ct);

    /// <summary>The active wallet of a phone number, if any.</summary>
    public async Task<UserRow?> FindByPhoneAsync(string phone, CancellationToken cancellationToken)
    {
        var index = personalData.BlindIndex(phone, PersonalData.Phone);
        await using var db = database.CreateContext();
        return await db.Set<UserRow>().AsNoTracking().FirstOrDefaultAsync(u => u.PhoneIndex == index, cancellationToken);
    }

    public async Task<UserRow?> FindAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext();
        return await UserById.For(db)(db, userId, cancellationToken);
    }

    /// <summary>Read on every payment and transfer: compiled once (no per-call query translation).</summary>
    private static readonly ModelCompiled<Func<ZhifuDb, Guid, CancellationToken, Task<UserRow?>>> UserById =
        new(() => EF.CompileAsyncQuery((ZhifuDb db, Guid id, CancellationToken ct) => db.Set<UserRow>().AsNoTracking().FirstOrDefault(u => u.Id == id)));

    /// <summary>The wallets of <paramref name="userIds"/> that exist, by id, read 500 to a query (a list's or an export's).</summary>
    public async Task<Dictionary<Guid, UserRow>> FindManyAsync(IEnumerable<Guid> userIds, CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext();
        var found = new Dictionary<Guid, UserRow>();
        foreach (var chunk in userIds.Distinct().Chunk(500))
        {
            foreach (var user in await db.Set<UserRow>().AsNoTracking().Where(u => chunk.Contains(u.Id)).ToListAsync(cancellationToken))
            {
                found[user.Id] = user;
            }
        }
        return found;
    }
}
