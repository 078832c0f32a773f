using Zhifu.Core;
using Zhifu.Server.RealName;
using Zhifu.Server.RealName.Limits;

namespace Zhifu.Tests.RealName;

/// <summary>The period and class logic of ACC-2, pure and driven by a <see cref="ManualClock"/>.</summary>
public sealed class LimitPeriodsTests
{
    private static readonly AccountClassRegulation Regulation = new();

    [Fact]
    public void ACC2_the_year_turns_at_midnight_on_1_January_in_Asia_Shanghai_not_in_UTC()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 31, 15, 59, 59, TimeSpan.Zero)); // 23:59:59 in Beijing
        Assert.Equal(2026, LimitPeriods.YearOf(clock.UtcNow));
        Assert.Equal([2026], LimitPeriods.PeriodsFor(AccountClasses.Two, BalanceUse.Consumption, clock.UtcNow));
        Assert.Equal(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.FromHours(8)), LimitPeriods.ResetsAt(2026));

        clock.Advance(TimeSpan.FromSeconds(1)); // 2027-01-01 00:00:00 in Beijing, still 31 December in UTC
        Assert.Equal(31, clock.UtcNow.Day);
        Assert.Equal(2027, LimitPeriods.YearOf(clock.UtcNow));
        Assert.Equal([2027], LimitPeriods.PeriodsFor(AccountClasses.Three, BalanceUse.TransferOut, clock.UtcNow));
        Assert.Equal(LimitPeriods.StartOfYear(2027), clock.UtcNow);
    }

    [Fact]
    public void ACC2_class_one_counts_since_opening_including_own_card_transfers_and_the_yearly_limits_exclude_them()
    {
        var now = new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Empty(LimitPeriods.PeriodsFor(AccountClasses.None, BalanceUse.Consumption, now));
        Assert.Equal([LimitPeriods.SinceOpening, 2026], LimitPeriods.PeriodsFor(AccountClasses.One, BalanceUse.Consumption, now));
        Assert.Equal([LimitPeriods.SinceOpening], LimitPeriods.PeriodsFor(AccountClasses.One, BalanceUse.OwnCardWithdrawal, now));
        Assert.Empty(LimitPeriods.PeriodsFor(AccountClasses.Two, BalanceUse.OwnCardWithdrawal, now));
        Assert.Empty(LimitPeriods.PeriodsFor(AccountClasses.Three, BalanceUse.OwnCardWithdrawal, now));
        Assert.Null(LimitPeriods.ResetsAt(LimitPeriods.SinceOpening));
    }

    [Fact]
    public void ACC2_allowances_follow_the_configured_numbers()
    {
        Assert.Equal(100_000, LimitPeriods.AllowanceFen(LimitPeriods.SinceOpening, AccountClasses.One, Regulation));
        Assert.Equal(100_000, LimitPeriods.AllowanceFen(2026, AccountClasses.One, Regulation));
        Assert.Equal(10_000_000, LimitPeriods.AllowanceFen(2026, AccountClasses.Two, Regulation));
        Assert.Equal(20_000_000, LimitPeriods.AllowanceFen(2026, AccountClasses.Three, Regulation));
        var custom = new AccountClassRegulation { ClassTwoLimitFen = 5_000_000 };
        Assert.Equal(5_000_000, LimitPeriods.AllowanceFen(2026, AccountClasses.Two, custom));
    }

    [Theory]
    [InlineData(0, false, 0)]
    [InlineData(1, false, 1)]
    [InlineData(2, false, 1)]
    [InlineData(3, false, 2)]
    [InlineData(4, false, 2)]
    [InlineData(5, false, 3)]
    [InlineData(0, true, 3)]
    [InlineData(1, true, 3)]
    public void ACC2_the_class_table_one_source_three_sources_five_sources_or_face_to_face(int sources, bool faceToFace, int expected) =>
        Assert.Equal(expected, AccountClasses.FromEvidence(sources, faceToFace, Regulation));

    [Theory]
    [InlineData("110105198503123010", true)]
    [InlineData("44010619581102155x", true)]
    [InlineData("110105198503123011", false)] // wrong check digit
    [InlineData("11010519850312301", false)]
    [InlineData("110105209903123010", false)] // born in the future
    [InlineData("110105185003123011", false)] // born before 1900
    [InlineData("11010519850230301X", false)] // 30 February
    [InlineData(null, false)]
    public void ACC2_ID_numbers_need_a_valid_check_character_and_a_real_birth_date(string? idNumber, bool valid)
    {
        var today = new DateOnly(2026, 11, 24);
        Assert.Equal(valid, IdentityRules.NormalIdNumber(idNumber, today) is not null);
    }

    [Theory]
    [InlineData("张三", true)]
    [InlineData(" 李四 ", true)]
    [InlineData("阿依古丽·买买提", true)]
    [InlineData("Zhang San", true)]
    [InlineData("张", false)]
    [InlineData("张三3", false)]
    [InlineData("张<三>", false)]
    [InlineData("", false)]
    public void ACC2_names_are_letters_with_the_middle_dot_of_minority_names(string name, bool valid) =>
        Assert.Equal(valid, IdentityRules.NormalName(name) is not null);
}
