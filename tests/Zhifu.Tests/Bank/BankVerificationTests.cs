using Zhifu.Core.Banking;

namespace Zhifu.Tests.Bank;

/// <summary>Real-name (ACC-1/ACC-2) and card (CARD-1) verification against the real simulator, through HttpBankChannel.</summary>
public sealed class BankVerificationTests(BankSimulatorFixture bank) : IClassFixture<BankSimulatorFixture>
{
    private static readonly DemoPerson ZhangSan = DemoCards.ZhangSan;

    [Fact]
    public async Task ACC2_identity_matches_at_every_bank_where_the_holder_has_a_card_and_nowhere_else()
    {
        var channel = bank.NewChannel();
        var sources = new List<string>();
        foreach (var source in new[] { "ICBC", "CCB", "ABC", "BOC", "CMB", "SPDB" })
        {
            var request = new IdentityVerificationRequest(source, ZhangSan.Name, ZhangSan.IdNumber, ZhangSan.Phone);
            var result = await channel.VerifyIdentityAsync(request, TestContext.Current.CancellationToken);
            Assert.Equal(BankOutcome.Succeeded, result.Outcome);
            if (result.Matched)
            {
                sources.Add(source);
            }
        }
        // Five external sources: enough for a non-face-to-face Class III account.
        Assert.Equal(["ICBC", "CCB", "ABC", "BOC", "CMB"], sources);
    }

    [Theory]
    [InlineData("李四", "110105198503123010", "13800138001")]
    [InlineData("张三", "310115199007214620", "13800138001")]
    [InlineData("张三", "110105198503123010", "13912345678")]
    public async Task ACC1_identity_with_any_fact_wrong_does_not_match(string name, string idNumber, string phone)
    {
        var result = await bank.NewChannel().VerifyIdentityAsync(
            new IdentityVerificationRequest("ICBC", name, idNumber, phone), TestContext.Current.CancellationToken);

        Assert.Equal(BankOutcome.Succeeded, result.Outcome);
        Assert.False(result.Matched);
        Assert.Equal(BankErrorCodes.HolderMismatch, result.Code);
    }

    [Fact]
    public async Task CARD1_card_verification_matches_and_tells_the_card_type()
    {
        var channel = bank.NewChannel();
        var ct = TestContext.Current.CancellationToken;
        var debit = ZhangSan.Cards.First(c => c.CardType == BankCardType.Debit);
        var credit = ZhangSan.Cards.First(c => c.CardType == BankCardType.Credit);

        var debitResult = await channel.VerifyCardAsync(Verification(debit), ct);
        var creditResult = await channel.VerifyCardAsync(Verification(credit), ct);

        Assert.Equal(new BankVerificationResult(BankOutcome.Succeeded, true, BankCardType.Debit, null, null), debitResult);
        Assert.Equal(new BankVerificationResult(BankOutcome.Succeeded, true, BankCardType.Credit, null, null), creditResult);
    }

    [Fact]
    public async Task CARD1_card_verification_says_which_check_failed_and_never_reveals_the_card_type()
    {
        var channel = bank.NewChannel();
        var ct = TestContext.Current.CancellationToken;
        var card = ZhangSan.Cards[0];
        var closed = await bank.Admin.OpenCardAsync("ICBC", 100, ct);
        await bank.Admin.CloseCardAsync(closed.CardNumber, ct);

        var wrongPhone = await channel.VerifyCardAsync(Verification(card) with { Phone = "13900000000" }, ct);
        var wrongBank = await channel.VerifyCardAsync(Verification(card) with { Bank = "CCB" }, ct);
        var unknownCard = await channel.VerifyCardAsync(TestCard.New("ICBC").Verification(), ct);
        var closedCard = await channel.VerifyCardAsync(closed.Verification(), ct);

        Assert.Equal(new BankVerificationResult(BankOutcome.Succeeded, false, null, BankErrorCodes.HolderMismatch, null), wrongPhone);
        Assert.Equal(BankErrorCodes.CardNotFound, wrongBank.Code);
        Assert.Equal(BankErrorCodes.CardNotFound, unknownCard.Code);
        Assert.Equal(BankErrorCodes.CardClosed, closedCard.Code);
        Assert.All([wrongBank, unknownCard, closedCard], r => Assert.False(r.Matched));
    }

    [Fact]
    public async Task ACC8_an_ID_number_ending_in_lower_case_x_matches_the_holder_with_X()
    {
        var wangWu = DemoCards.WangWu;

        var result = await bank.NewChannel().VerifyIdentityAsync(
            new IdentityVerificationRequest("BOC", wangWu.Name, wangWu.IdNumber.ToLowerInvariant(), wangWu.Phone),
            TestContext.Current.CancellationToken);

        Assert.True(result.Matched);
    }

    private static CardVerificationRequest Verification(DemoCard card) =>
        new(card.Bank, card.CardNumber, ZhangSan.Name, ZhangSan.IdNumber, ZhangSan.Phone);
}
