namespace Zhifu.Server.Risk;

/// <summary>
/// 用户行为画像 (RISK-2): a user's habits as incremental statistics — the usual amount (mean and spread of the amount's
/// logarithm, Welford's update), the hours of the day they pay in, the merchants, devices and regions they use — and the
/// score of a new movement against them. Updated once per completed movement; bounded in size whatever the history.
/// The mutable state is public only so it can be stored as JSON; callers go through <see cref="Score"/> and
/// <see cref="Observe"/> under the profile's lock.
/// </summary>
public sealed class BehaviourProfile
{
    public const int MerchantsMax = 32;
    public const int DevicesMax = 16;
    public const int RegionsMax = 16;

    public long Count { get; set; }
    public double LogMean { get; set; }
    public double LogM2 { get; set; }
    public long[] Hours { get; set; } = new long[24];
    public Dictionary<string, long> Merchants { get; set; } = new(StringComparer.Ordinal);
    public List<string> Devices { get; set; } = [];
    public List<string> Regions { get; set; } = [];

    /// <summary>How far <paramref name="e"/> departs from habit, with one reason per factor that counted.</summary>
    public (int Score, IReadOnlyList<string> Factors) Score(RiskEvent e, ProfileScoring scoring)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(scoring);
        var factors = new List<string>(4);
        var score = 0;
        if (Count >= scoring.MinHistory)
        {
            var spread = Math.Max(Math.Sqrt(LogM2 / Count), scoring.MinLogSpread);
            // A small amount is never a departure that matters, however unusual for this user.
            var z = e.AmountFen < scoring.AmountMinFen ? 0 : (Math.Log(e.AmountFen) - LogMean) / spread;
            if (z >= scoring.AmountZHigh)
            {
                score += scoring.AmountHighScore;
                factors.Add($"amount far above usual (z={z:F1})");
            }
            else if (z >= scoring.AmountZ)
            {
                score += scoring.AmountScore;
                factors.Add($"amount above usual (z={z:F1})");
            }
            var hour = ChinaHour(e.At);
            if (Hours[hour] + Hours[(hour + 23) % 24] + Hours[(hour + 1) % 24] == 0)
            {
                score += scoring.UnusualHourScore;
                factors.Add($"unusual hour ({hour:D2}:00)");
            }
            if (e.MchId is { } mch && !Merchants.ContainsKey(mch))
            {
                score += scoring.NewMerchantScore;
                factors.Add("new merchant");
            }
        }
        if (IsNewDevice(e))
        {
            score += scoring.NewDeviceScore;
            factors.Add("new device");
        }
        if (IsNewRegion(e))
        {
            score += scoring.NewRegionScore;
            factors.Add($"new region ({e.Region})");
        }
        return (score, factors);
    }

    /// <summary>A device the profile has not seen, when it knows at least one.</summary>
    public bool IsNewDevice(RiskEvent e) => e?.DeviceKey is { } device && Devices.Count > 0 && !Devices.Contains(device);

    /// <summary>A region the profile has not seen, when it knows at least one.</summary>
    public bool IsNewRegion(RiskEvent e) => e?.Region is { } region && Regions.Count > 0 && !Regions.Contains(region);

    /// <summary>Learns from a completed movement.</summary>
    public void Observe(RiskEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        Count++;
        var x = Math.Log(Math.Max(e.AmountFen, 1));
        var delta = x - LogMean;
        LogMean += delta / Count;
        LogM2 += delta * (x - LogMean);
        Hours[ChinaHour(e.At)]++;
        if (e.MchId is { } mch)
        {
            if (!Merchants.ContainsKey(mch) && Merchants.Count >= MerchantsMax)
            {
                Merchants.Remove(Merchants.MinBy(m => m.Value).Key); // the least used merchant makes room
            }
            Merchants[mch] = Merchants.GetValueOrDefault(mch) + 1;
        }
        Remember(Devices, e.DeviceKey, DevicesMax);
        Remember(Regions, e.Region, RegionsMax);
    }

    /// <summary>The most recently used last; the oldest forgotten past the bound.</summary>
    private static void Remember(List<string> seen, string? value, int max)
    {
        if (value is null)
        {
            return;
        }
        seen.Remove(value);
        seen.Add(value);
        if (seen.Count > max)
        {
            seen.RemoveAt(0);
        }
    }

    /// <summary>The hour of the day in Asia/Shanghai: UTC+8 all year (no daylight saving), so plain arithmetic — the
    /// time-zone conversion would cost more than the rest of a decision.</summary>
    public static int ChinaHour(DateTimeOffset at) => (int)((at.UtcTicks / TimeSpan.TicksPerHour + 8) % 24);
}

/// <summary>How the profile scores a departure from habit (RISK-2); configuration under <c>Risk:Profile</c>.</summary>
public sealed record ProfileScoring
{
    /// <summary>Completed movements needed before amount, hour and merchant habits count.</summary>
    public int MinHistory { get; init; } = 5;
    /// <summary>The least spread assumed for amounts (in natural log units), so a user who always pays the same is not
    /// flagged for a few fen more.</summary>
    public double MinLogSpread { get; init; } = 1.0;
    /// <summary>Amounts below this never count as unusual (¥500).</summary>
    public long AmountMinFen { get; init; } = 50_000;
    public double AmountZ { get; init; } = 2;
    public int AmountScore { get; init; } = 20;
    public double AmountZHigh { get; init; } = 3;
    public int AmountHighScore { get; init; } = 40;
    public int UnusualHourScore { get; init; } = 20;
    public int NewMerchantScore { get; init; } = 10;
    public int NewDeviceScore { get; init; } = 25;
    public int NewRegionScore { get; init; } = 15;
}
