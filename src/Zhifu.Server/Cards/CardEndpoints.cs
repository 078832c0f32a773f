using System.Security.Claims;
using Zhifu.Core;
using Zhifu.Server.Accounts;

namespace Zhifu.Server.Cards;

/// <summary>The Wallet API's card routes: bind (CARD-1), list, show and unbind; numbers only ever masked (ACC-8).</summary>
public static class CardEndpoints
{
    public sealed record BindRequest(string? Bank, string? CardNumber, string? Otp);

    /// <summary>A bound card as the holder sees it; what its money may do follows CARD-3.</summary>
    public sealed record CardDto(string Token, string Bank, string CardType, string CardNumber, bool ConsumptionOnly,
        bool AcceptsWithdrawals, string BoundAt)
    {
        public static CardDto Of(BoundCard card) => new(card.Token, card.Bank, card.Type.ToString().ToLowerInvariant(), card.MaskedNumber,
            card.FundsAreConsumptionOnly, card.AcceptsWithdrawals, ChinaTime.Format(card.BoundAt));
    }

    public static void Map(WebApplication app)
    {
        var cards = app.MapGroup("/api/wallet/me/cards").WithTags("Wallet: cards").RequireAuthorization(WalletSessions.Scheme);
        cards.MapPost("", BindAsync);
        cards.MapGet("", async (ClaimsPrincipal u, BankCards b, CancellationToken ct) =>
            Results.Ok((await b.ListAsync(u.UserId(), ct)).Select(CardDto.Of)));
        cards.MapGet("/{token}", async (string token, ClaimsPrincipal u, BankCards b, HttpContext h) =>
            await b.FindAsync(u.UserId(), token, h.RequestAborted) is { } card
                ? Results.Ok(CardDto.Of(card)) : CardErrors.NotFound.ToResult(h));
        cards.MapDelete("/{token}", async (string token, ClaimsPrincipal u, BankCards b, HttpContext h) =>
            await b.UnbindAsync(u.UserId(), token, h.RequestAborted) is { } error ? error.ToResult(h) : Results.NoContent());
    }

    private static async Task<IResult> BindAsync(BindRequest? request, ClaimsPrincipal principal, BankCards cards, HttpContext context)
    {
        if (request is null || request.Bank is null || request.CardNumber is null || request.Otp is null
            || request.Bank.Length > 16 || request.CardNumber.Length > 32 || request.Otp.Length > 16)
        {
            return CardErrors.InvalidRequest.ToResult(context);
        }
        var (card, error) = await cards.BindCardAsync(principal.UserId(), request.Bank, request.CardNumber, request.Otp,
            context.RequestAborted);
        return error?.ToResult(context) ?? Results.Created($"/api/wallet/me/cards/{card!.Token}", CardDto.Of(card));
    }
}
