using System.Net.Http.Json;
using System.Text.Json;
using Zhifu.Core.Banking;

namespace Zhifu.Tests.Bank;

/// <summary>The simulator's /admin API as tests use it.</summary>
public sealed class BankAdminClient(HttpClient http, Uri baseAddress)
{
    public static readonly JsonSerializerOptions Json =
        new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public sealed record CardView(string Bank, string CardNo, string CardType, string Status, long BalanceFen, long OpeningBalanceFen);

    public sealed record Totals(
        long Cards, long OpeningBalanceFen, long BalanceFen, long DebitedFen, long CreditedFen, long SucceededCount, long FailedCount,
        long ReversedCount, bool Balanced);

    public sealed record Faults(
        int LatencyMs = 0, double TimeoutRate = 0, double UnknownRate = 0, double DuplicateCallbackRate = 0, int TimeoutHoldMs = 5000,
        int? Seed = null);

    /// <summary>Opens a card for a fresh made-up holder; <paramref name="fen"/> is a debit card's balance, a credit card's limit.</summary>
    public async Task<TestCard> OpenCardAsync(
        string bank, long fen, CancellationToken cancellationToken, BankCardType type = BankCardType.Debit)
    {
        var card = TestCard.New(bank);
        var typeName = type == BankCardType.Debit ? "debit" : "credit";
        using var response = await http.PostAsJsonAsync(new Uri(baseAddress, "admin/cards"), new
        {
            bank, card_no = card.CardNumber, name = card.Name, id_no = card.IdNumber, phone = card.Phone, card_type = typeName,
            balance_fen = type == BankCardType.Debit ? fen : (long?)null,
            credit_limit_fen = type == BankCardType.Credit ? fen : (long?)null,
        }, cancellationToken);
        response.EnsureSuccessStatusCode();
        return card;
    }

    public async Task<CardView> CardAsync(string cardNumber, CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<CardView>(new Uri(baseAddress, $"admin/cards/{cardNumber}"), Json, cancellationToken))!;

    public async Task<long> BalanceAsync(string cardNumber, CancellationToken cancellationToken) =>
        (await CardAsync(cardNumber, cancellationToken)).BalanceFen;

    public async Task CloseCardAsync(string cardNumber, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsync(new Uri(baseAddress, $"admin/cards/{cardNumber}/close"), null, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    public async Task<Totals> TotalsAsync(CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<Totals>(new Uri(baseAddress, "admin/totals"), Json, cancellationToken))!;

    public async Task SetFaultsAsync(Faults faults, CancellationToken cancellationToken)
    {
        using var response = await http.PutAsJsonAsync(new Uri(baseAddress, "admin/faults"), faults, Json, cancellationToken);
        response.EnsureSuccessStatusCode();
    }
}
