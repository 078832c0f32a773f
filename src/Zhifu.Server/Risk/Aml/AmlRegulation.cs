namespace Zhifu.Server.Risk.Aml;

/// <summary>
/// The anti-money-laundering criteria (RISK-6), section <c>Regulation:Aml</c>. The large-value thresholds are those of
/// 《金融机构大额交易和可疑交易报告管理办法》(中国人民银行令〔2016〕第3号, amended by 令〔2018〕第2号) art. 5; the suspicious
/// rules follow its art. 11 (the institution sets its own monitoring criteria) with the parameters below as defaults.
/// </summary>
public sealed record AmlRegulation
{
    /// <summary>Art. 5(3): a natural person's domestic transfers of ¥500,000 or more in a day, single or summed one-sided.</summary>
    public long LargeValueNaturalPersonFen { get; init; } = 50_000_000;

    /// <summary>Art. 5(2): a non-natural person's (merchant, enterprise) transfers of ¥2,000,000 or more in a day.</summary>
    public long LargeValueNonNaturalPersonFen { get; init; } = 200_000_000;

    public StructuringRule Structuring { get; init; } = new();
    public PassThroughRule PassThrough { get; init; } = new();
    public CounterpartiesRule Counterparties { get; init; } = new();
    public DormantRule Dormant { get; init; } = new();

    /// <summary>Refuses a configuration no report could sensibly follow (the server does not start with it).</summary>
    public void Validate()
    {
        Require(LargeValueNaturalPersonFen > 0 && LargeValueNonNaturalPersonFen > 0, "large-value thresholds must be positive");
        Require(Structuring.ThresholdFen > 0 && Structuring.BelowPercent is > 0 and < 100 && Structuring.CountMin >= 2,
            "Structuring needs ThresholdFen > 0, BelowPercent 1–99 and CountMin ≥ 2");
        Require(PassThrough.WindowHours is > 0 and <= 72 && PassThrough.OutflowPercentMin is > 0 and <= 100
            && PassThrough.InflowMinFen > 0, "PassThrough needs WindowHours 1–72, OutflowPercentMin 1–100 and InflowMinFen > 0");
        Require(Counterparties.CountMin >= 2, "Counterparties needs CountMin ≥ 2");
        Require(Dormant.IdleDays is > 0 and <= 3660 && Dormant.AmountMinFen > 0, "Dormant needs IdleDays 1–3660 and AmountMinFen > 0");
    }

    private static void Require(bool holds, string message)
    {
        if (!holds)
        {
            throw new InvalidOperationException("Regulation:Aml: " + message);
        }
    }
}

/// <summary>Rule AML-S1 拆分交易: many transactions one way in a day, each just below a threshold.</summary>
public sealed record StructuringRule
{
    public bool Enabled { get; init; } = true;

    /// <summary>The line being dodged: ¥50,000, where strong verification starts (TRF-3) and cash is reported (art. 5(1)).</summary>
    public long ThresholdFen { get; init; } = 5_000_000;

    /// <summary>"Just below": within this percentage under the threshold.</summary>
    public int BelowPercent { get; init; } = 10;

    public int CountMin { get; init; } = 3;
}

/// <summary>Rule AML-S2 快进快出: money in and most of it out again within a few hours.</summary>
public sealed record PassThroughRule
{
    public bool Enabled { get; init; } = true;
    public int WindowHours { get; init; } = 24;
    public int OutflowPercentMin { get; init; } = 80;
    public long InflowMinFen { get; init; } = 5_000_000;
}

/// <summary>Rules AML-S3 分散转出 and AML-S4 集中转入: many distinct counterparties in a day, one way.</summary>
public sealed record CounterpartiesRule
{
    public bool Enabled { get; init; } = true;
    public int CountMin { get; init; } = 10;
}

/// <summary>Rule AML-S5 休眠账户异常启用: a wallet idle for long that suddenly moves a large amount.</summary>
public sealed record DormantRule
{
    public bool Enabled { get; init; } = true;
    public int IdleDays { get; init; } = 180;
    public long AmountMinFen { get; init; } = 5_000_000;
}

/// <summary>How the reports are produced and served (section <c>Risk:Aml</c>); every one a limit.</summary>
public sealed record AmlOptions
{
    /// <summary>Seconds between two checks of the daily worker.</summary>
    public int WorkerIntervalSeconds { get; init; } = 60;

    /// <summary>Minutes after China midnight before yesterday's reports are made (late bank answers settle first).</summary>
    public int GenerateAfterMinutes { get; init; } = 30;

    /// <summary>
    /// Days the worker fills in per round after a stop, oldest missing first, however long the stop was (back to the first
    /// wallet, at most <see cref="RetroactiveDaysMax"/>): a long stop is made up over several rounds, never skipped.
    /// </summary>
    public int CatchUpDays { get; init; } = 7;

    /// <summary>Rows read per source per report; beyond it the report is marked truncated.</summary>
    public int SourceRowsMax { get; init; } = 500_000;

    /// <summary>Detail rows one file may hold; beyond it the report is marked truncated.</summary>
    public int ReportRowsMax { get; init; } = 50_000;

    /// <summary>Largest page of the report list.</summary>
    public int PageSizeMax { get; init; } = 100;

    /// <summary>Transaction ids one suspicious hit lists.</summary>
    public int IdsPerHitMax { get; init; } = 20;

    /// <summary>How far back an operator may generate a report (days).</summary>
    public int RetroactiveDaysMax { get; init; } = 1830;
}
