using Zhifu.Core.Banking;

namespace Zhifu.Tests.Bank;

/// <summary>The daily statement file the platform reconciles against (SET-4), read through HttpBankChannel and as raw CSV.</summary>
public sealed class BankStatementTests(BankSimulatorFixture bank) : IClassFixture<BankSimulatorFixture>
{
    private readonly IBankChannel _channel = bank.NewChannel();

    [Fact]
    public async Task SET4_statement_lists_every_request_of_the_day_with_its_status_amount_and_a_masked_card()
    {
        var ct = TestContext.Current.CancellationToken;
        var card = await bank.Admin.OpenCardAsync("STMTA", 10_000, ct);
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var paid = await _channel.DebitAsync(card.Movement("st-paid", 1_000), ct);
        var refunded = await _channel.CreditAsync(card.Movement("st-refund", 500), ct);
        var refused = await _channel.DebitAsync(card.Movement("st-refused", 1_000_000), ct);
        var undone = await _channel.DebitAsync(card.Movement("st-undone", 700), ct);
        await _channel.ReverseAsync(new BankReversalRequest("st-undone", "st-undone-r"), ct);
        var after = DateTimeOffset.UtcNow.AddSeconds(1);

        var lines = await StatementLinesAsync("STMTA", before, after);

        var masked = card.CardNumber[..6] + new string('*', card.CardNumber.Length - 10) + card.CardNumber[^4..];
        Assert.Equal(
        [
            new("st-paid", paid.BankTxnId, BankDirection.Debit, 1_000, BankTransactionStatus.Succeeded),
            new("st-refund", refunded.BankTxnId, BankDirection.Credit, 500, BankTransactionStatus.Succeeded),
            new("st-refused", refused.BankTxnId, BankDirection.Debit, 1_000_000, BankTransactionStatus.Failed),
            new Expected("st-undone", undone.BankTxnId, BankDirection.Debit, 700, BankTransactionStatus.Reversed),
        ], lines.Select(l => new Expected(l.RequestId, l.BankTxnId, l.Direction, l.AmountFen, l.Status)));
        Assert.All(lines, l =>
        {
            Assert.Equal(masked, l.Card);
            Assert.Equal(BankStatementCsv.ShanghaiOffset, l.Time.Offset);
            Assert.InRange(l.Time, before, after);
        });
    }

    [Fact]
    public async Task SET4_the_raw_file_is_csv_with_the_documented_header_and_no_card_number_in_clear()
    {
        var ct = TestContext.Current.CancellationToken;
        var card = await bank.Admin.OpenCardAsync("STMTB", 10_000, ct);
        await _channel.DebitAsync(card.Movement("st-raw-1", 1_234), ct);
        var day = ChinaDay(DateTimeOffset.UtcNow);

        using var response = await bank.Http.GetAsync(new Uri(bank.BaseAddress, $"v1/statements/STMTB/{day:yyyy-MM-dd}"), ct);
        var csv = await response.Content.ReadAsStringAsync(ct);

        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var rows = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("bank_txn_id,request_id,card,direction,amount_fen,status,time", rows[0]);
        Assert.Matches(
            @"^STMTB[0-9A-F]{32},st-raw-1,[0-9]{6}\*+[0-9]{4},debit,1234,succeeded,\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$", rows[^1]);
        Assert.DoesNotContain(card.CardNumber, csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SET4_a_day_without_movements_has_a_header_only_statement()
    {
        var result = await _channel.GetStatementAsync("ICBC", new DateOnly(2001, 1, 1), TestContext.Current.CancellationToken);

        Assert.Equal(BankOutcome.Succeeded, result.Outcome);
        Assert.Empty(result.Statement!.Lines);
    }

    private async Task<List<BankStatementLine>> StatementLinesAsync(string bankCode, DateTimeOffset from, DateTimeOffset to)
    {
        // A run that crosses midnight in China spreads over two statement days.
        var lines = new List<BankStatementLine>();
        foreach (var day in new[] { ChinaDay(from), ChinaDay(to) }.Distinct())
        {
            var result = await _channel.GetStatementAsync(bankCode, day, TestContext.Current.CancellationToken);
            Assert.Equal(BankOutcome.Succeeded, result.Outcome);
            lines.AddRange(result.Statement!.Lines);
        }
        return lines;
    }

    private static DateOnly ChinaDay(DateTimeOffset time) => DateOnly.FromDateTime(time.ToOffset(BankStatementCsv.ShanghaiOffset).DateTime);

    private sealed record Expected(
        string RequestId, string? BankTxnId, BankDirection Direction, long AmountFen, BankTransactionStatus Status);
}
