using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Ledger;
using Zhifu.Server.Lifecycle;

namespace Zhifu.Server.Ledger;

/// <summary>
/// 账务核验任务 — <c>zhifu verify</c> run in the background for the operator console, because on a big ledger it scans every
/// transfer several times and would outlast a request. Bounded like everything else: at most one verification runs at a
/// time (a second request joins the running one — they would read the same committed ledger), and finished ones are kept
/// <see cref="KeptFor"/>, at most <see cref="KeptMax"/> of them, in memory only (a restart forgets them; the ledger is the
/// record, a verification only reads it).
/// </summary>
public sealed class LedgerVerifications(DatabaseOptions database, IClock clock, IHostApplicationLifetime lifetime,
    ILogger<LedgerVerifications> logger)
{
    public const int KeptMax = 16;
    public static readonly TimeSpan KeptFor = TimeSpan.FromHours(1);

    private readonly Lock _lock = new();
    private readonly List<VerificationJob> _jobs = [];

    /// <summary>Starts a verification by <paramref name="by"/>, or answers the one already running (<c>Joined</c>).</summary>
    public (VerificationJob Job, bool Joined) Start(OperatorActor by) => Start(by, async (progress, ct) =>
    {
        await using var db = database.CreateContext();
        return await new LedgerVerifier(db).VerifyAsync(progress, ct);
    });

    /// <summary>The same with another way to verify (tests hold a verification half-way to see its progress).</summary>
    internal (VerificationJob Job, bool Joined) Start(OperatorActor by,
        Func<IProgress<VerificationProgress>, CancellationToken, Task<VerificationReport>> verify)
    {
        ArgumentNullException.ThrowIfNull(by);
        VerificationJob job;
        lock (_lock)
        {
            Forget();
            if (_jobs.FirstOrDefault(j => j.Running) is { } running)
            {
                return (running, true);
            }
            job = new VerificationJob(Guid.CreateVersion7(), by.Username, clock.UtcNow, LedgerVerifier.StepsTotal);
            _jobs.Add(job);
        }
        _ = Task.Run(() => RunAsync(job, verify), CancellationToken.None);
        return (job, false);
    }

    /// <summary>A verification still kept, or null.</summary>
    public VerificationJob? Find(Guid id)
    {
        lock (_lock)
        {
            Forget();
            return _jobs.FirstOrDefault(j => j.Id == id);
        }
    }

    /// <summary>The most recent verification still kept, or null.</summary>
    public VerificationJob? Latest()
    {
        lock (_lock)
        {
            Forget();
            return _jobs.LastOrDefault();
        }
    }

    private async Task RunAsync(VerificationJob job, Func<IProgress<VerificationProgress>, CancellationToken, Task<VerificationReport>> verify)
    {
        try
        {
            job.Finish(await verify(job, lifetime.ApplicationStopping), null, clock.UtcNow);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Said on the page without the exception's text (it may name tables and servers); the log has it.
            logger.LogError(e, "Ledger verification {JobId} failed", job.Id);
            job.Finish(null, e is OperationCanceledException ? "stopped" : "failed", clock.UtcNow);
        }
    }

    /// <summary>Drops finished jobs older than <see cref="KeptFor"/> and the oldest finished beyond <see cref="KeptMax"/>.</summary>
    private void Forget()
    {
        var now = clock.UtcNow;
        _jobs.RemoveAll(j => j.FinishedAt is { } at && now - at > KeptFor);
        while (_jobs.Count > KeptMax && _jobs.FindIndex(j => !j.Running) is >= 0 and var oldest)
        {
            _jobs.RemoveAt(oldest);
        }
    }
}

/// <summary>One background verification: its progress while it runs, its report (or why it has none) when done.</summary>
public sealed class VerificationJob(Guid id, string startedBy, DateTimeOffset startedAt, int stepsTotal) : IProgress<VerificationProgress>
{
    private volatile VerificationProgress _progress = new(0, stepsTotal, []);
    private volatile VerificationReport? _report;
    private volatile string? _failure;
    private DateTimeOffset? _finishedAt;
    private volatile bool _running = true;

    public Guid Id { get; } = id;
    public string StartedBy { get; } = startedBy;
    public DateTimeOffset StartedAt { get; } = startedAt;
    public bool Running => _running;
    public VerificationProgress Progress => _progress;
    public VerificationReport? Report => _report;

    /// <summary><c>failed</c> or <c>stopped</c> (the server stopped) when it ended without a report.</summary>
    public string? Failure => _failure;

    public DateTimeOffset? FinishedAt => _running ? null : _finishedAt;

    void IProgress<VerificationProgress>.Report(VerificationProgress value) => _progress = value;

    internal void Finish(VerificationReport? report, string? failure, DateTimeOffset at)
    {
        (_report, _failure, _finishedAt) = (report, failure, at);
        if (report is not null)
        {
            _progress = new VerificationProgress(_progress.Total, _progress.Total, report.Checks);
        }
        _running = false;
    }
}
