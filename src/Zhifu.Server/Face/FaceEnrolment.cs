using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;

namespace Zhifu.Server.Face;

/// <summary>Settings of face payment (section <c>Face</c>).</summary>
public sealed record FaceOptions
{
    /// <summary>The version of the consent text users accept (FACE-1).</summary>
    public string ConsentVersion { get; init; } = "ZF-FACE-2026-01";

    /// <summary>FACE-4: the least cosine similarity a match needs.</summary>
    public float MatchThreshold { get; init; } = 0.5f;

    /// <summary>FACE-4: below this lead over the runner-up the terminal asks for the phone's last four digits.</summary>
    public float MarginMin { get; init; } = 0.08f;

    /// <summary>Whether the wallet's page may stand in for a face device with synthetic demo faces — a demo aid, off unless
    /// configured (the shipped appsettings.json turns it on with the demo world; production leaves it off: templates then come
    /// only from certified devices through the Wallet API).</summary>
    public bool DemoDevice { get; init; }

    /// <summary>FACE-6, CS-1: the department answerable for face-payment claims, named to the user when a claim opens.</summary>
    public string ClaimDepartment { get; init; } = "风险管理部（刷脸支付申诉组）";

    /// <summary>FACE-6: days the responsible department has to decide a claim.</summary>
    public int ClaimDeadlineDays { get; init; } = 7;

    /// <summary>FACE-6: how many days after a face payment the user may still claim it.</summary>
    public int ClaimWindowDays { get; init; } = 90;
}

/// <summary>What the wallet shows about the user's face payment (FACE-1).</summary>
public sealed record FaceStatus(string State, string ConsentVersion, string? ConsentedAt, string? EnrolledAt, string? WithdrawnAt,
    IReadOnlyList<string> ConsentText, bool PasscodeSet);

/// <summary>
/// 刷脸支付 enrolment (FACE-1, FACE-2): consent first (the text version recorded), then the device's template — sealed to the
/// face transport key — stored in the face store under a new opaque id and added to the index; withdrawing consent deletes
/// the template from the store and the index at once. The main database keeps the consent record and the opaque link only.
/// </summary>
public sealed class FaceEnrolment(DatabaseOptions database, FaceStore store, FaceIndex index, FaceKeys keys, FaceOptions options,
    WalletAccounts accounts, WalletCredentials credentials, IClock clock)
{
    public static readonly WalletError ConsentRequired = new(409, "FACE_CONSENT_REQUIRED", "请先阅读并同意刷脸支付授权",
        "Read and accept the face payment consent first");
    public static readonly WalletError ConsentNotAccepted = new(400, "FACE_CONSENT_NOT_ACCEPTED", "请勾选同意刷脸支付授权",
        "Tick the box to accept the face payment consent");
    public static readonly WalletError RealNameRequired = new(403, "FACE_REAL_NAME_REQUIRED", "请先完成实名认证",
        "Verify your real name first");
    public static readonly WalletError WithdrawnWhileEnrolling = new(409, "FACE_CONSENT_WITHDRAWN",
        "录入期间刷脸授权已撤回，人脸特征已删除；如需开通请重新授权", "The face consent was withdrawn while enrolling and the template deleted; give consent again to enrol");

    public static readonly WalletError BadTemplate = new(400, "FACE_TEMPLATE_INVALID", "人脸特征数据无效，请重新采集",
        "The face template could not be read; capture it again");

    /// <summary>What is collected, why and for how long (FACE-1: 用户授权、最小够用).</summary>
    public static IReadOnlyList<string> ConsentText { get; } =
    [
        "采集什么：仅采集由认证设备在本机计算的人脸特征值（512 维数字），不保存照片或视频。",
        "用途：仅用于在线下刷脸支付时找到您的账户；每笔付款还需要您输入支付口令，刷脸本身不能付款。",
        "保存：特征值加密后存放在与账户信息隔离的专用库中，商户看不到；保存至您撤回授权为止。",
        "撤回：您可以随时在钱包中撤回授权，特征值立即删除。",
    ];

    public async Task<FaceStatus> StatusAsync(Guid userId, CancellationToken ct)
    {
        var row = await CurrentAsync(userId, ct);
        var user = await accounts.FindAsync(userId, ct);
        return new FaceStatus(row?.State ?? "none", options.ConsentVersion, Format(row?.ConsentedAt), Format(row?.EnrolledAt),
            Format(row?.WithdrawnAt), ConsentText, user?.FacePasscodeHash is not null);
    }

    /// <summary>Records the consent (idempotent while it stands); needs a real-name verified wallet and the payment password.</summary>
    public async Task<WalletError?> ConsentAsync(Guid userId, bool accept, string? paymentPassword, CancellationToken ct)
    {
        if (!accept)
        {
            return ConsentNotAccepted;
        }
        var user = (await accounts.FindAsync(userId, ct))!;
        if (user.AccountClass < 1)
        {
            return RealNameRequired;
        }
        if (await credentials.VerifyPaymentPasswordAsync(userId, paymentPassword, ct) is { } wrong)
        {
            return wrong;
        }
        if (await CurrentAsync(userId, ct) is { State: FaceEnrolmentRow.Consented or FaceEnrolmentRow.Enrolled })
        {
            return null;
        }
        await using var db = database.CreateContext();
        db.Add(new FaceEnrolmentRow
        {
            Id = Guid.CreateVersion7(), UserId = userId, FaceId = Guid.NewGuid(), State = FaceEnrolmentRow.Consented,
            ConsentVersion = options.ConsentVersion, ConsentedAt = clock.UtcNow,
        });
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>Stores the template a device sealed (FACE-3) under the consent's opaque id and makes it searchable.</summary>
    public async Task<WalletError?> EnrolAsync(Guid userId, FaceEnvelope? envelope, string via, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var row = await db.Set<FaceEnrolmentRow>().Where(r => r.UserId == userId && r.State != FaceEnrolmentRow.Withdrawn)
            .OrderByDescending(r => r.ConsentedAt).FirstOrDefaultAsync(ct);
        if (row is null)
        {
            return ConsentRequired;
        }
        if (envelope?.Open(keys) is not { } template)
        {
            return BadTemplate;
        }
        // not cancelled from here: a template stored must end recorded, or deleted
        await KeepAsync(row.FaceId, template);
        (row.State, row.EnrolledAt, row.EnrolledVia) = (FaceEnrolmentRow.Enrolled, clock.UtcNow, via);
        row.Version++;
        try
        {
            await db.SaveChangesAsync(CancellationToken.None);
            return null;
        }
        catch (DbUpdateConcurrencyException)
        {
            return await SettleRacedEnrolmentAsync(row.Id, row.FaceId, template);
        }
    }

    /// <summary>
    /// The consent changed while its template was being stored. Withdrawn meanwhile (FACE-1): the withdrawal wins — the
    /// template just stored is deleted again, from the store and the index, and the user is told. Enrolled meanwhile (the
    /// same capture sent twice): this template is stored and indexed again, so the store and the index hold the same one.
    /// </summary>
    private async Task<WalletError?> SettleRacedEnrolmentAsync(Guid rowId, Guid faceId, float[] template)
    {
        await using var db = database.CreateContext();
        var state = await db.Set<FaceEnrolmentRow>().Where(r => r.Id == rowId).Select(r => r.State).FirstAsync(CancellationToken.None);
        if (state == FaceEnrolmentRow.Enrolled)
        {
            await KeepAsync(faceId, template);
            // a withdrawal that read the row before this put (and deleted before it) must not save over it: the version moves
            // on, so its save fails and it withdraws again; if it saved first, nothing matches here and this template goes
            if (await db.Set<FaceEnrolmentRow>().Where(r => r.Id == rowId && r.State == FaceEnrolmentRow.Enrolled)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Version, r => r.Version + 1), CancellationToken.None) == 1)
            {
                return null;
            }
        }
        await ForgetAsync(faceId);
        return WithdrawnWhileEnrolling;
    }

    /// <summary>A template kept: in the face store and searchable. Not cancelled: the two always change together.</summary>
    private async Task KeepAsync(Guid faceId, float[] template)
    {
        await store.PutAsync(faceId, template, clock.UtcNow, CancellationToken.None);
        index.Add(faceId, template);
    }

    /// <summary>A template gone (FACE-1): out of the index, then out of the store (idempotent).</summary>
    private async Task ForgetAsync(Guid faceId)
    {
        index.Remove(faceId);
        await store.DeleteAsync(faceId, CancellationToken.None);
    }

    /// <summary>撤回授权 (FACE-1): the template leaves the store and the index at once; the record says when. False when there
    /// was nothing to withdraw.</summary>
    public async Task<bool> WithdrawAsync(Guid userId, CancellationToken ct)
    {
        for (var round = 0; ; round++)
        {
            await using var db = database.CreateContext();
            var rows = await db.Set<FaceEnrolmentRow>().Where(r => r.UserId == userId && r.State != FaceEnrolmentRow.Withdrawn).ToListAsync(ct);
            foreach (var row in rows)
            {
                await ForgetAsync(row.FaceId);
                (row.State, row.WithdrawnAt) = (FaceEnrolmentRow.Withdrawn, clock.UtcNow);
                row.Version++;
            }
            try
            {
                await db.SaveChangesAsync(CancellationToken.None);
                return rows.Count > 0;
            }
            catch (DbUpdateConcurrencyException) when (round < 4)
            {
                // an enrolment (or another withdrawal, a second tap) saved in between: read again and withdraw what stands
                // then; the deletes are idempotent
            }
        }
    }

    private async Task<FaceEnrolmentRow?> CurrentAsync(Guid userId, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.Set<FaceEnrolmentRow>().AsNoTracking().Where(r => r.UserId == userId).OrderByDescending(r => r.ConsentedAt)
            .FirstOrDefaultAsync(ct);
    }

    private static string? Format(DateTimeOffset? at) => at is { } t ? ChinaTime.Format(t) : null;
}
