using Zhifu.Core;
using Zhifu.Core.Banking;

namespace Zhifu.Tests.Bank;

/// <summary>The pure parts of the channel contract in Core: check digits, masking, the statement format, the demo cards.</summary>
public sealed class BankingContractTests
{
    [Theory]
    [InlineData("6222020200012345670", true)]
    [InlineData("6225751000234561", true)]
    [InlineData("6222020200012345671", false)]
    [InlineData("62220202000", false)]
    [InlineData("62220202000123456701", false)]
    [InlineData("6222O20200012345670", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void CARD1_card_numbers_need_12_to_19_digits_and_a_valid_Luhn_digit(string? cardNumber, bool valid) =>
        Assert.Equal(valid, CheckDigits.IsValidCardNumber(cardNumber));

    [Theory]
    [InlineData("110105198503123010", true)]
    [InlineData("44010619581102155X", true)]
    [InlineData("44010619581102155x", false)]
    [InlineData("110105198503123011", false)]
    [InlineData("11010519850312301", false)]
    [InlineData(null, false)]
    public void ACC1_resident_ID_numbers_need_a_valid_GB11643_check_character(string? idNumber, bool valid) =>
        Assert.Equal(valid, CheckDigits.IsValidResidentId(idNumber));

    [Fact]
    public void Every_demo_card_and_holder_has_valid_numbers_and_card_numbers_are_unique()
    {
        var cards = DemoCards.People.SelectMany(p => p.Cards).ToList();

        Assert.All(DemoCards.People, p =>
        {
            Assert.True(CheckDigits.IsValidResidentId(p.IdNumber), p.Name);
            Assert.Matches(@"^1[3-9]\d{9}$", p.Phone);
            Assert.Single(p.Cards, c => c.CardType == BankCardType.Credit);
            Assert.True(p.Cards.Count(c => c.CardType == BankCardType.Debit) >= 2);
        });
        Assert.All(cards, c => Assert.True(CheckDigits.IsValidCardNumber(c.CardNumber) && c.CardNumber.Length >= 16, c.CardNumber));
        Assert.Equal(cards.Count, cards.Select(c => c.CardNumber).Distinct().Count());
    }

    [Fact]
    public void ACC8_masks_keep_only_what_a_person_needs_to_recognise_the_number()
    {
        Assert.Equal("6222 **** **** 5670", PersonalDataMask.CardNumber("6222020200012345670"));
        Assert.Equal("622202*********5670", PersonalDataMask.CardNumberForStatement("6222020200012345670"));
        Assert.Equal("138****8001", PersonalDataMask.Phone("13800138001"));
        Assert.Equal("1****************0", PersonalDataMask.IdNumber("110105198503123010"));
        Assert.Equal("****", PersonalDataMask.CardNumber("1234"));
        Assert.Equal("****", PersonalDataMask.Phone(null));
    }

    [Fact]
    public void ACC8_requests_never_print_personal_data_when_logged()
    {
        var (person, card) = (DemoCards.ZhangSan, DemoCards.ZhangSan.Cards[0]);
        var text = string.Join(' ',
            new BankMovementRequest("r-1", card.Bank, card.CardNumber, 100).ToString(),
            new CardVerificationRequest(card.Bank, card.CardNumber, person.Name, person.IdNumber, person.Phone).ToString(),
            new IdentityVerificationRequest("ICBC", person.Name, person.IdNumber, person.Phone).ToString());

        Assert.DoesNotContain(card.CardNumber, text, StringComparison.Ordinal);
        Assert.DoesNotContain(person.IdNumber, text, StringComparison.Ordinal);
        Assert.DoesNotContain(person.Phone, text, StringComparison.Ordinal);
        Assert.DoesNotContain(person.Name, text, StringComparison.Ordinal);
    }

    [Fact]
    public void SET4_statement_csv_round_trips_and_keeps_China_time()
    {
        var lines = new[]
        {
            new BankStatementLine("ICBCA1", "req-1", "622202*********5670", BankDirection.Debit, 1, BankTransactionStatus.Succeeded,
                new DateTimeOffset(2026, 1, 31, 16, 0, 0, TimeSpan.Zero)),
            new BankStatementLine("ICBCA2", "req-2", "622202*********5670", BankDirection.Credit, long.MaxValue,
                BankTransactionStatus.Reversed, new DateTimeOffset(2026, 2, 1, 0, 0, 0, BankStatementCsv.ShanghaiOffset)),
        };

        var csv = BankStatementCsv.Write(lines);
        var parsed = BankStatementCsv.Parse(csv);

        Assert.Equal(lines, parsed);
        Assert.Contains(",2026-02-01T00:00:00+08:00\n", csv, StringComparison.Ordinal);
        Assert.All(parsed, l => Assert.Equal(BankStatementCsv.ShanghaiOffset, l.Time.Offset));
    }

    [Theory]
    [InlineData("")]
    [InlineData("bank_txn_id,request_id\n")]
    [InlineData("bank_txn_id,request_id,card,direction,amount_fen,status,time\nA,r,c,sideways,1,succeeded,2026-01-01T00:00:00+08:00\n")]
    [InlineData("bank_txn_id,request_id,card,direction,amount_fen,status,time\nA,r,c,debit,-1,succeeded,2026-01-01T00:00:00+08:00\n")]
    [InlineData("bank_txn_id,request_id,card,direction,amount_fen,status,time\nA,r,c,debit,1,succeeded\n")]
    public void SET4_a_damaged_statement_is_refused_rather_than_half_read(string csv) =>
        Assert.Throws<FormatException>(() => BankStatementCsv.Parse(csv));
}
