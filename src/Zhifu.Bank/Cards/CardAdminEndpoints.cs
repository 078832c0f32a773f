using Zhifu.Core;
using Microsoft.AspNetCore.Http.HttpResults;
using Zhifu.Bank.Hosting;
using Zhifu.Core.Banking;

namespace Zhifu.Bank.Cards;

/// <summary>Body of <c>POST /admin/cards</c>: a debit card takes <c>balance_fen</c>, a credit card <c>credit_limit_fen</c>.</summary>
internal sealed record OpenCardBody(
    string? Bank, string? CardNo, string? Name, string? IdNo, string? Phone, string? CardType, long? BalanceFen, long? CreditLimitFen);

/// <summary>What the admin API shows of a card: the number masked (ACC-8), the money in full.</summary>
internal sealed record CardView(string Bank, string CardNo, string CardType, string Status, long BalanceFen, long OpeningBalanceFen)
{
    public static CardView Of(Card card) => new(card.Bank, PersonalDataMask.CardNumber(card.CardNo), card.CardType, card.Status,
        card.BalanceFen, card.OpeningBalanceFen);
}

/// <summary>Test and demo controls; unauthenticated by design, so the simulator listens on loopback only.</summary>
internal static class CardAdminEndpoints
{
    public static void MapCardAdmin(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin");
        admin.MapPost("/cards", Open);
        admin.MapGet("/cards/{cardNo}", Get);
        admin.MapPost("/cards/{cardNo}/close", Close);
        admin.MapGet("/totals", (CardBook cards) => TypedResults.Ok(cards.Totals()));
    }

    private static async Task<Results<Created<CardView>, BadRequest<ApiError>, Conflict<ApiError>>> Open(OpenCardBody body, CardBook cards)
    {
        var error = Field.Bank(body.Bank) ?? Field.CardNumber(body.CardNo) ?? Field.Name(body.Name) ?? Field.IdNumber(body.IdNo)
            ?? Field.Phone(body.Phone) ?? Field.Balance(body.BalanceFen) ?? Field.Balance(body.CreditLimitFen)
            ?? (body.CardType is "debit" or "credit" ? null : new ApiError(BankErrorCodes.InvalidCardType, "card_type: debit or credit"));
        if (error is not null)
        {
            return ApiError.BadRequest(error);
        }
        var opening = body.CardType == "debit" ? body.BalanceFen ?? 0 : body.CreditLimitFen ?? 0;
        var card = await cards.OpenAsync(new Card(body.CardNo!, body.Bank!, Field.NormalName(body.Name!), Field.NormalIdNumber(body.IdNo!),
            body.Phone!, body.CardType!, opening, opening, "active"));
        return card is null
            ? ApiError.Conflict(BankErrorCodes.CardExists, "a card with this number is already open")
            : TypedResults.Created($"/admin/cards/{card.CardNo}", CardView.Of(card));
    }

    private static Results<Ok<CardView>, BadRequest<ApiError>, NotFound<ApiError>> Get(string cardNo, CardBook cards)
    {
        if (Field.CardNumber(cardNo) is { } error)
        {
            return ApiError.BadRequest(error);
        }
        return cards.Find(cardNo) is { } card
            ? TypedResults.Ok(CardView.Of(card))
            : ApiError.NotFound(BankErrorCodes.CardNotFound, "no such card");
    }

    private static async Task<Results<Ok<CardView>, BadRequest<ApiError>, NotFound<ApiError>>> Close(string cardNo, CardBook cards)
    {
        if (Field.CardNumber(cardNo) is { } error)
        {
            return ApiError.BadRequest(error);
        }
        return await cards.CloseAsync(cardNo) is { } card
            ? TypedResults.Ok(CardView.Of(card))
            : ApiError.NotFound(BankErrorCodes.CardNotFound, "no such card");
    }
}
