using Zhifu.Server.Risk;

namespace Zhifu.Tests.Risk;

/// <summary>RISK-2 velocity windows: a payment counted at its decision that does not go ahead is taken back out.</summary>
public sealed class VelocityWindowsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Keep = TimeSpan.FromHours(1);

    [Fact]
    public void RISK2_taking_an_event_back_removes_that_one_only_and_keeps_the_rest_in_order()
    {
        var windows = new VelocityWindows();
        void Add(int minute, long fen, string kind = RiskKinds.Payment) =>
            windows.Add("user", "u1", kind, T0.AddMinutes(minute), fen, T0.AddMinutes(30), Keep);
        Add(1, 100);
        Add(2, 200);
        Add(2, 200); // the same payment amount at the same moment twice: two payments
        Add(3, 300, RiskKinds.Transfer);
        Add(4, 400);

        windows.Remove("user", "u1", RiskKinds.Payment, T0.AddMinutes(2), 200);
        Assert.Equal((4, 1_000L), windows.Since("user", "u1", T0));
        windows.Remove("user", "u1", RiskKinds.Payment, T0.AddMinutes(3), 300); // not a payment: nothing taken
        windows.Remove("user", "u1", RiskKinds.Payment, T0.AddMinutes(5), 400); // no such event
        windows.Remove("user", "u2", RiskKinds.Payment, T0.AddMinutes(4), 400); // no such subject
        Assert.Equal((4, 1_000L), windows.Since("user", "u1", T0));
        windows.Remove("user", "u1", RiskKinds.Payment, T0.AddMinutes(1), 100); // the oldest
        Assert.Equal((3, 900L), windows.Since("user", "u1", T0));
        Assert.Equal((1, 400L), windows.Since("user", "u1", T0.AddMinutes(3))); // still in time order
        Assert.Equal((2, 600L), windows.Since("user", "u1", T0, RiskKinds.Bit(RiskKinds.Payment)));
    }

    [Fact]
    public void RISK2_taking_back_works_across_the_ring_after_old_events_were_dropped()
    {
        var windows = new VelocityWindows();
        for (var i = 0; i < 20; i++) // the ring's start moves as the oldest fall out of the hour
        {
            windows.Add("user", "u1", RiskKinds.Payment, T0.AddMinutes(i * 10), 1, T0.AddMinutes(i * 10), Keep);
        }
        var now = T0.AddMinutes(190);
        Assert.Equal((7, 7L), windows.Since("user", "u1", now.AddHours(-2)));
        windows.Remove("user", "u1", RiskKinds.Payment, T0.AddMinutes(150), 1);
        windows.Remove("user", "u1", RiskKinds.Payment, T0.AddMinutes(10), 1); // dropped long ago: nothing
        Assert.Equal((6, 6L), windows.Since("user", "u1", now.AddHours(-2)));
        Assert.Equal((4, 4L), windows.Since("user", "u1", T0.AddMinutes(155))); // 160 … 190
    }
}
