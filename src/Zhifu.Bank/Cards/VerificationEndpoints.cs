using Microsoft.AspNetCore.Http.HttpResults;
using Zhifu.Bank.Faults;
using Zhifu.Bank.Hosting;

namespace Zhifu.Bank.Cards;

/// <summary>Body of <c>POST /v1/identity/verify</c>: the source is the bank code asked.</summary>
internal sealed record IdentityCheckBody(string? Source, string? Name, string? IdNo, string? Phone);

/// <summary>Body of <c>POST /v1/cards/verify</c>.</summary>
internal sealed record CardCheckBody(string? Bank, string? CardNo, string? Name, string? IdNo, string? Phone);

/// <summary>Answer of both checks; the card type is told only on a match, the code only on a mismatch.</summary>
internal sealed record VerificationAnswer(bool Matched, string? CardType, string? Code);

/// <summary>Real-name (实名认证) and card verification (CARD-1): the bank confirms facts, it never reveals them.</summary>
internal static class VerificationEndpoints
{
    public static void MapVerification(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/identity/verify", VerifyIdentity);
        app.MapPost("/v1/cards/verify", VerifyCard);
    }

    private static async Task<Results<Ok<VerificationAnswer>, BadRequest<ApiError>>> VerifyIdentity(
        IdentityCheckBody body, CardBook cards, FaultInjector faults)
    {
        var error = Field.Bank(body.Source) ?? Field.Name(body.Name) ?? Field.IdNumber(body.IdNo) ?? Field.Phone(body.Phone);
        if (error is not null)
        {
            return ApiError.BadRequest(error with { Message = error.Message.Replace("bank:", "source:", StringComparison.Ordinal) });
        }
        await faults.DelayAsync();
        var code = cards.VerifyIdentity(body.Source!, Field.NormalName(body.Name!), Field.NormalIdNumber(body.IdNo!), body.Phone!);
        return TypedResults.Ok(new VerificationAnswer(code is null, null, code));
    }

    private static async Task<Results<Ok<VerificationAnswer>, BadRequest<ApiError>>> VerifyCard(
        CardCheckBody body, CardBook cards, FaultInjector faults)
    {
        var error = Field.Bank(body.Bank) ?? Field.CardNumber(body.CardNo) ?? Field.Name(body.Name) ?? Field.IdNumber(body.IdNo)
            ?? Field.Phone(body.Phone);
        if (error is not null)
        {
            return ApiError.BadRequest(error);
        }
        await faults.DelayAsync();
        var (card, code) = cards.VerifyCard(
            body.Bank!, body.CardNo!, Field.NormalName(body.Name!), Field.NormalIdNumber(body.IdNo!), body.Phone!);
        return TypedResults.Ok(new VerificationAnswer(card is not null, card?.CardType, code));
    }
}
