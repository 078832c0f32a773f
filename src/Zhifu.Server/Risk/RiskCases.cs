using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;

namespace Zhifu.Server.Risk;

/// <summary>What a case decision did, or why it could not.</summary>
public sealed record CaseOutcome(RiskCaseRow? Case, string? ErrorCode);

/// <summary>
/// 风险案件 (RISK-4): a block opens an alert case, a review opens a case holding the money. Risk staff assign, annotate and
/// decide; a review case's decision posts or voids the held money (<see cref="IRiskHold"/>), and every decision feeds back:
/// a movement judged legitimate teaches the user's profile (so the same habit is not flagged again), one judged fraudulent
/// puts its device on the risk list. Opening a case alerts the user at once (RISK-5).
/// </summary>
public sealed class RiskCases(DatabaseOptions database, IServiceProvider services, RiskProfiles profiles, VelocityWindows windows,
    RiskRules rules, RiskLists lists, RiskAlerts alerts, Security.AuditLog audit, IClock clock)
{
    public const string KindAlert = "alert";
    public const string KindReview = "review";
    public const string Open = "open";
    public const string Assigned = "assigned";
    public const string Decided = "decided";
    public const string Release = "release";
    public const string Void = "void";
    public const string Legitimate = "legitimate";
    public const string Fraud = "fraud";
    public const int FraudDeviceListDays = 180;

    /// <summary>Opens the case of a decision (one undecided case of each kind per movement: a retried refused request adds
    /// nothing) and alerts the user.</summary>
    public async Task<RiskCaseRow> OpenAsync(RiskDecision decision, string kind, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var e = decision.Event;
        await using var db = database.CreateContext();
        if (await UndecidedAsync(db, e.BusinessId, kind, cancellationToken) is { } existing)
        {
            return existing;
        }
        var row = new RiskCaseRow
        {
            Id = Guid.CreateVersion7(), DecisionId = decision.Id, Kind = kind, BusinessKind = e.Kind, BusinessId = e.BusinessId,
            UserId = e.UserId, AmountFen = e.AmountFen, Summary = Cut(decision.Reasons, 512), Status = Open, CreatedAt = clock.UtcNow,
        };
        db.Add(row);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Opened a moment ago by another caller (the unique index on undecided cases): one case, one alert.
            await using var again = database.CreateContext();
            if (await UndecidedAsync(again, e.BusinessId, kind, CancellationToken.None) is not { } raced)
            {
                throw;
            }
            return raced;
        }
        await alerts.SendAsync(e, kind == KindReview ? RiskAction.Review : RiskAction.Block, CancellationToken.None);
        return row;
    }

    private static Task<RiskCaseRow?> UndecidedAsync(ZhifuDb db, Guid businessId, string kind, CancellationToken ct) =>
        db.Set<RiskCaseRow>().AsNoTracking().FirstOrDefaultAsync(c => c.BusinessId == businessId && c.Kind == kind && c.Status != Decided, ct);

    /// <summary>The review cases still to decide: a movement held for review without one has nobody to decide it
    /// (<see cref="IRiskHold.HeldWithoutCaseAsync"/>) — an alert case, or a review case decided before it was paid again, does not count.</summary>
    public static IQueryable<RiskCaseRow> UndecidedReviews(ZhifuDb db)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Set<RiskCaseRow>().Where(c => c.Kind == KindReview && c.Status != Decided);
    }

    /// <summary>
    /// Opens the case of a movement from its recorded decision (a held payment finished by the recovery worker). With no
    /// recorded decision (the decision log had not written it when the process stopped), from <paramref name="held"/> if given.
    /// </summary>
    public async Task OpenRecordedAsync(Guid businessId, string kind, CancellationToken cancellationToken, RiskEvent? held = null)
    {
        await services.GetRequiredService<RiskDecisionLog>().DrainAsync(cancellationToken);
        await using var db = database.CreateContext();
        var d = await db.Set<RiskDecisionRow>().AsNoTracking().Where(x => x.BusinessId == businessId).OrderByDescending(x => x.At)
            .FirstOrDefaultAsync(cancellationToken);
        if (d is not null)
        {
            await OpenAsync(new RiskDecision(d.Id, d.Event(), RiskActions.Parse(d.Action) ?? RiskAction.Review, d.Score,
                RiskDecisionLog.Hits(d.HitsJson), RiskDecisionLog.Hits(d.DryRunJson)), kind, cancellationToken);
        }
        else if (held is not null)
        {
            // The decision is recorded as well, so the case shows why it exists.
            var recovered = new RiskDecision(Guid.CreateVersion7(), held, RiskAction.Review, 0, [Recovered], []);
            var log = services.GetRequiredService<RiskDecisionLog>();
            await log.AppendAsync(recovered, cancellationToken);
            await log.DrainAsync(cancellationToken);
            await OpenAsync(recovered, kind, cancellationToken);
        }
    }

    private static readonly RiskHit Recovered = new("recovered", 0, RiskActions.Name(RiskAction.Review), 0,
        "处理中断后补开的审核案件，原决策未记录 (held for review; the process stopped before the case and its decision were recorded)");

    /// <summary>How long a movement may be held for review without a case before <see cref="RecoverHeldAsync"/> opens one (its
    /// own request opens it within moments).</summary>
    private static readonly TimeSpan HeldCaseGrace = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Opens the case of every movement held for review without one (RISK-1, SEC-3): the process stopped between holding the
    /// money and opening its case, so nobody could decide it and the money stayed held. At most 100 a kind a round;
    /// <see cref="HeldCaseWorker"/> runs it every minute. How many it opened.
    /// </summary>
    public async Task<int> RecoverHeldAsync(CancellationToken cancellationToken)
    {
        var opened = 0;
        foreach (var hold in services.GetServices<IRiskHold>())
        {
            foreach (var held in await hold.HeldWithoutCaseAsync(clock.UtcNow - HeldCaseGrace, 100, cancellationToken))
            {
                try
                {
                    await OpenRecordedAsync(held.BusinessId, KindReview, cancellationToken, held);
                    opened++;
                }
                catch (Exception e) when (e is DbUpdateException or InvalidOperationException)
                {
                    services.GetRequiredService<ILogger<RiskCases>>().LogError(e, "case of held {Kind} {BusinessId} not opened; next round",
                        held.Kind, held.BusinessId); // one failure must not keep every other held movement without its case
                }
            }
        }
        return opened;
    }

    public async Task<CaseOutcome> AssignAsync(Guid id, string assignee, Lifecycle.OperatorActor by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(by);
        await using var db = database.CreateContext();
        var row = await db.Set<RiskCaseRow>().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (row is null)
        {
            return new(null, "CASE_NOT_FOUND");
        }
        if (row.Status == Decided)
        {
            return new(row, "CASE_ALREADY_DECIDED");
        }
        (row.AssignedTo, row.Status) = (assignee, Assigned);
        row.Version++;
        return await AuditedAsync(await SaveAsync(db, row), by, "risk-case.assign", $"assigned to {assignee}");
    }

    public async Task<RiskCaseNoteRow?> NoteAsync(Guid id, string author, string text, CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext();
        if (!await db.Set<RiskCaseRow>().AnyAsync(c => c.Id == id, cancellationToken))
        {
            return null;
        }
        var note = new RiskCaseNoteRow { Id = Guid.CreateVersion7(), CaseId = id, Author = author, Text = text, At = clock.UtcNow };
        db.Add(note);
        await db.SaveChangesAsync(cancellationToken);
        return note;
    }

    /// <summary>How long a second decision of the same case waits for the one under way before it is told so.</summary>
    private static readonly TimeSpan DecidingWaitMax = TimeSpan.FromSeconds(3);

    /// <summary>After this a decision's claim is taken as that of a stopped server: the decision may be carried out again.</summary>
    private static readonly TimeSpan DecidingLapse = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Decides a case: release or void for a review (the held money moves accordingly), legitimate or fraud for an alert. A
    /// repeated decision answers the first. One decision at a time (<see cref="RiskCaseRow.DecidingSince"/>), and the decision
    /// is written on the case before any money moves (<see cref="RiskCaseRow.DecidingAs"/>): a second operator's other decision
    /// is refused rather than meeting money the first one moved, and once the money has moved the case is decided and audited
    /// whatever else was done to it meanwhile (an assignment), never left open.
    /// </summary>
    public async Task<CaseOutcome> DecideAsync(Guid id, string decision, Lifecycle.OperatorActor by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(by);
        await using var db = database.CreateContext();
        var cases = db.Set<RiskCaseRow>().Where(c => c.Id == id);
        var row = await cases.AsNoTracking().FirstOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            return new(null, "CASE_NOT_FOUND");
        }
        if (row.Status != Decided && !(row.Kind == KindReview ? decision is Release or Void : decision is Legitimate or Fraud))
        {
            return new(row, "CASE_DECISION_INVALID");
        }
        if (row.Status != Decided
            && await Hosting.RowClaims.ClaimAsync(cases, nameof(RiskCaseRow.DecidingSince), clock, DecidingWaitMax, DecidingLapse,
                cancellationToken) is { } claim)
        {
            try
            {
                return await DecideClaimedAsync(db, id, decision, by);
            }
            finally
            {
                await Hosting.RowClaims.ReleaseAsync(cases, nameof(RiskCaseRow.DecidingSince), claim);
            }
        }
        row = await cases.AsNoTracking().FirstAsync(CancellationToken.None);
        return row.Status != Decided ? new(row, "CASE_BEING_DECIDED")
            : row.Decision == decision ? new(row, null)
            : new(row, "CASE_ALREADY_DECIDED");
    }

    private async Task<CaseOutcome> DecideClaimedAsync(ZhifuDb db, Guid id, string decision, Lifecycle.OperatorActor by)
    {
        var cases = db.Set<RiskCaseRow>().Where(c => c.Id == id);
        var row = await cases.AsNoTracking().FirstAsync(CancellationToken.None);
        if (row.Status == Decided)
        {
            return row.Decision == decision ? new(row, null) : new(row, "CASE_ALREADY_DECIDED");
        }
        if (row.DecidingAs is { } started && started != decision)
        {
            return new(row, "CASE_BEING_DECIDED"); // an earlier decision may have moved the money: only it can finish the case
        }
        var recorded = decision;
        if (row.Kind == KindReview && decision == Release && row.DecidingAs is null
            && await DecisionAsync(db, row.DecisionId) is { } held
            && lists.AnyListed(held.Event()))
        {
            return new(row, "CASE_PARTY_RESTRICTED"); // RISK-3: listed since it was held (its device, card, payee…): void it, or delist
        }
        if (row.Kind == KindReview)
        {
            await cases.ExecuteUpdateAsync(s => s.SetProperty(c => c.DecidingAs, decision), CancellationToken.None);
            var hold = services.GetServices<IRiskHold>().FirstOrDefault(h => h.Kind == row.BusinessKind);
            var outcome = hold is null ? RiskHoldOutcome.Unavailable
                : decision == Release ? await hold.ReleaseAsync(row.BusinessId, CancellationToken.None)
                : await hold.VoidAsync(row.BusinessId, CancellationToken.None);
            switch (outcome)
            {
                case RiskHoldOutcome.Unavailable or RiskHoldOutcome.Restricted:
                    // nothing was applied: the case is as it was, open to either decision
                    await cases.ExecuteUpdateAsync(s => s.SetProperty(c => c.DecidingAs, (string?)null), CancellationToken.None);
                    return new(row, outcome == RiskHoldOutcome.Restricted ? "CASE_PARTY_RESTRICTED" : "LEDGER_UNAVAILABLE");
                case RiskHoldOutcome.EndedOtherwise:
                    recorded = "revoked"; // the payer took it back first: the case closes with what really happened
                    break;
                case RiskHoldOutcome.VoidedInstead:
                    recorded = Void;
                    break;
                case RiskHoldOutcome.ReleasedInstead:
                    recorded = Release; // the money moved by an earlier release of this case: the case says so
                    break;
            }
        }
        var (at, decidedBy) = (clock.UtcNow, by.CreatedBy);
        await cases.ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, Decided).SetProperty(c => c.Decision, recorded)
            .SetProperty(c => c.DecidedBy, decidedBy).SetProperty(c => c.DecidedAt, at).SetProperty(c => c.DecidingAs, (string?)null)
            .SetProperty(c => c.Version, c => c.Version + 1), CancellationToken.None);
        row = await cases.AsNoTracking().FirstAsync(CancellationToken.None);
        if (recorded == decision)
        {
            await FeedBackAsync(row, recorded); // a release that had to void is no finding of fraud: nothing to learn or list
        }
        else if (recorded == Release)
        {
            await FeedBackAsync(row, recorded, learn: false); // the money moved: the velocity windows count it, nothing is learnt
        }
        return await AuditedAsync(new(row, null), by, "risk-case.decide",
            recorded == decision ? $"decided {recorded}" : $"decided {recorded} ({decision} asked)");
    }

    /// <summary>A case's recorded decision; not yet written (the decision log gathers decisions for a moment before each commit:
    /// a case decided at once after its movement), read again once the log has written what it held.</summary>
    private async Task<RiskDecisionRow?> DecisionAsync(ZhifuDb db, Guid decisionId)
    {
        Task<RiskDecisionRow?> ReadAsync() =>
            db.Set<RiskDecisionRow>().AsNoTracking().FirstOrDefaultAsync(d => d.Id == decisionId, CancellationToken.None);
        if (await ReadAsync() is { } written)
        {
            return written;
        }
        await services.GetRequiredService<RiskDecisionLog>().DrainAsync(CancellationToken.None);
        return await ReadAsync();
    }

    /// <summary>RISK-4 "decisions feed back": legitimate habits are learnt, a fraudulent device is listed. Without
    /// <paramref name="learn"/> a release only counts in the velocity windows (it was not the decision asked).</summary>
    private async Task FeedBackAsync(RiskCaseRow row, string decision, bool learn = true)
    {
        await using var db = database.CreateContext();
        var d = await DecisionAsync(db, row.DecisionId);
        if (d is null)
        {
            return;
        }
        var e = d.Event();
        if (decision is Release or Legitimate)
        {
            if (decision == Release)
            {
                RiskEngine.Remember(e, windows, rules.Current.Keep, clock.UtcNow); // the money moved now, counted at its decision's time
            }
            if (learn)
            {
                await profiles.ObserveAsync(e, CancellationToken.None);
            }
        }
        else if (decision is Void or Fraud && d.DeviceKey is { } device
            && lists.Snapshot.Find(RiskLists.Device, device, clock.UtcNow) is null)
        {
            await lists.AddKeyAsync(RiskLists.Device, device, "device (from case)", $"fraud confirmed in risk case {row.Id}", "risk-case",
                clock.UtcNow.AddDays(FraudDeviceListDays), row.DecidedBy!, CancellationToken.None);
        }
    }

    /// <summary>SEC-1: every change to a case is in the audit log, whichever console or API made it.</summary>
    private async Task<CaseOutcome> AuditedAsync(CaseOutcome outcome, Lifecycle.OperatorActor by, string action, string details)
    {
        if (outcome.ErrorCode is null && outcome.Case is { } row)
        {
            await audit.AppendAsync(by.Username, by.Role, action, $"risk-case:{row.Id}",
                $"{row.Kind} case on {row.BusinessKind} {row.BusinessId} ({new Money(row.AmountFen)}): {details}");
        }
        return outcome;
    }

    private static async Task<CaseOutcome> SaveAsync(ZhifuDb db, RiskCaseRow row)
    {
        try
        {
            await db.SaveChangesAsync(CancellationToken.None);
            return new(row, null);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new(null, "CASE_CHANGED"); // another operator acted on it at the same moment
        }
    }

    private static string Cut(string text, int max) => text.Length > max ? text[..max] : text;
}

/// <summary>Every minute, opens the cases of movements held for review without one (<see cref="RiskCases.RecoverHeldAsync"/>).</summary>
public sealed class HeldCaseWorker(RiskCases cases, IHostApplicationLifetime lifetime, ILogger<HeldCaseWorker> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Hosting.PeriodicWork.RunAsync(TimeSpan.FromMinutes(1),
        cases.RecoverHeldAsync, logger, "Opening the cases of held movements failed", stoppingToken,
        before: ct => Hosting.ServerStarted.WaitAsync(lifetime, ct));
}
