using Zhifu.Core;
using Zhifu.Bank.Callbacks;
using Zhifu.Bank.Faults;
using Zhifu.Bank.Hosting;
using Zhifu.Core.Banking;

namespace Zhifu.Bank.Movements;

/// <summary>The money half of the channel API: debit, credit, query and reversal, each idempotent (CARD-4).</summary>
internal static partial class MovementEndpoints
{
    public static void MapMovements(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1");
        v1.MapPost("/debits", (MovementBody body, HttpContext http, MovementBook book, FaultGate gate, CallbackQueue callbacks,
            ILogger<MovementBook> log) => MoveAsync("debit", body, http, book, gate, callbacks, log));
        v1.MapPost("/credits", (MovementBody body, HttpContext http, MovementBook book, FaultGate gate, CallbackQueue callbacks,
            ILogger<MovementBook> log) => MoveAsync("credit", body, http, book, gate, callbacks, log));
        v1.MapGet("/transactions/{requestId}", QueryAsync);
        v1.MapPost("/reversals", ReverseAsync);
    }

    private static async Task<IResult> MoveAsync(
        string direction, MovementBody body, HttpContext http, MovementBook book, FaultGate gate, CallbackQueue callbacks, ILogger log)
    {
        var error = Field.RequestId(body.RequestId) ?? Field.Bank(body.Bank) ?? Field.CardNumber(body.CardNo)
            ?? Field.Amount(body.AmountFen) ?? Field.Memo(body.Memo) ?? Field.NotifyUrl(body.NotifyUrl);
        if (error is not null)
        {
            return TypedResults.BadRequest(error);
        }
        var order = new MovementOrder(body.RequestId!, direction, body.Bank!, body.CardNo!, body.AmountFen!.Value, body.Memo ?? "");
        return await gate.PassAsync(http,
            async draw =>
            {
                var decision = await book.ApplyAsync(order);
                if (decision is { FirstTime: true, Movement: { } movement })
                {
                    LogMovement(log, direction, order.RequestId, order.Bank, PersonalDataMask.CardNumber(order.CardNo), order.AmountFen,
                        movement.Status, movement.Code);
                    if (body.NotifyUrl is not null)
                    {
                        callbacks.Post(new Uri(body.NotifyUrl), MovementAnswer.Of(movement), draw.Callbacks);
                    }
                }
                return decision;
            },
            decision => decision.Movement is { } movement
                ? TypedResults.Ok(MovementAnswer.Of(movement))
                : TypedResults.Conflict(new ApiError(BankErrorCodes.RequestIdConflict, "request_id was used before with other fields")),
            () => TypedResults.Ok(new MovementAnswer(order.RequestId, "unknown", null, BankErrorCodes.OutcomeUnknown,
                "the outcome is unknown; query the transaction")));
    }

    private static async Task<IResult> QueryAsync(string requestId, MovementBook book, FaultInjector faults)
    {
        if (Field.RequestId(requestId) is { } error)
        {
            return TypedResults.BadRequest(error);
        }
        await faults.DelayAsync();
        var movement = book.Find(requestId);
        return TypedResults.Ok(movement is null ? TransactionAnswer.NotFound(requestId) : TransactionAnswer.Of(movement));
    }

    private static async Task<IResult> ReverseAsync(
        ReversalBody body, HttpContext http, ReversalBook book, FaultGate gate, ILogger<ReversalBook> log)
    {
        if ((Field.RequestId(body.RequestId) ?? Field.ReversalId(body.ReversalId)) is { } error)
        {
            return TypedResults.BadRequest(error);
        }
        string requestId = body.RequestId!, reversalId = body.ReversalId!;
        return await gate.PassAsync(http,
            async _ =>
            {
                var decision = await book.ReverseAsync(requestId, reversalId);
                LogReversal(log, requestId, reversalId, decision.Status ?? "conflict", decision.Code);
                return decision;
            },
            decision => decision.Conflict
                ? TypedResults.Conflict(new ApiError(BankErrorCodes.ReversalIdConflict, "reversal_id was used before for another request"))
                : TypedResults.Ok(new ReversalAnswer(requestId, reversalId, decision.Status!, decision.Code)),
            () => TypedResults.Ok(new ReversalAnswer(requestId, reversalId, "unknown", BankErrorCodes.OutcomeUnknown)));
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "{Direction} {RequestId} at {Bank} card {Card} {AmountFen} fen: {Status} {Code}")]
    private static partial void LogMovement(
        ILogger logger, string direction, string requestId, string bank, string card, long amountFen, string status, string? code);

    [LoggerMessage(Level = LogLevel.Information, Message = "reversal {ReversalId} of {RequestId}: {Status} {Code}")]
    private static partial void LogReversal(ILogger logger, string requestId, string reversalId, string status, string? code);
}
