using System.Globalization;
using Microsoft.Extensions.Options;
using Zhifu.Core.Banking;

namespace Zhifu.Server.Banking;

/// <summary>
/// <see cref="IBankChannel"/> over HTTP to zhifu-bank. Each call waits at most <see cref="BankOptions.TimeoutMs"/>; a call
/// without a definite answer comes back <see cref="BankOutcome.Unknown"/> (CARD-4). Only queries are retried here:
/// repeating a debit is the caller's decision, made with the same request id after a query said not_found.
/// </summary>
internal sealed partial class HttpBankChannel(
    HttpClient http, BankChannelAddress address, IOptions<BankOptions> options, ILogger<HttpBankChannel> logger) : IBankChannel
{
    public async Task<BankVerificationResult> VerifyIdentityAsync(IdentityVerificationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = new BankWire.IdentityCheck(request.Source, request.Name, request.IdNumber, request.Phone);
        return Verification(await SendAsync(HttpMethod.Post, "v1/identity/verify", body, cancellationToken));
    }

    public async Task<BankVerificationResult> VerifyCardAsync(CardVerificationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = new BankWire.CardCheck(request.Bank, request.CardNumber, request.Name, request.IdNumber, request.Phone);
        return Verification(await SendAsync(HttpMethod.Post, "v1/cards/verify", body, cancellationToken));
    }

    public Task<BankMovementResult> DebitAsync(BankMovementRequest request, CancellationToken cancellationToken) =>
        MoveAsync("v1/debits", request, cancellationToken);

    public Task<BankMovementResult> CreditAsync(BankMovementRequest request, CancellationToken cancellationToken) =>
        MoveAsync("v1/credits", request, cancellationToken);

    public async Task<BankQueryResult> QueryAsync(string requestId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requestId);
        var path = "v1/transactions/" + Uri.EscapeDataString(requestId);
        var reply = await SendAsync(HttpMethod.Get, path, null, cancellationToken);
        for (var attempt = 2; attempt <= options.Value.QueryAttemptsMax && reply.Kind == BankReplyKind.NoAnswer; attempt++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100 << (attempt - 2)), cancellationToken);
            reply = await SendAsync(HttpMethod.Get, path, null, cancellationToken);
        }
        var answer = reply.Kind == BankReplyKind.Answered ? reply.Read<BankWire.Transaction>(BankWire.Json) : null;
        BankTransactionStatus? status = answer?.Status switch
        {
            "succeeded" => BankTransactionStatus.Succeeded,
            "failed" => BankTransactionStatus.Failed,
            "reversed" => BankTransactionStatus.Reversed,
            "not_found" => BankTransactionStatus.NotFound,
            _ => null,
        };
        if (answer is null || status is null)
        {
            LogNoAnswer(logger, "query", requestId, reply.Code ?? BankErrorCodes.TransportError);
            return new BankQueryResult(BankTransactionStatus.Unknown, null, null, null, reply.Code ?? BankErrorCodes.TransportError);
        }
        BankDirection? direction = answer.Direction switch { "debit" => BankDirection.Debit, "credit" => BankDirection.Credit, _ => null };
        return new BankQueryResult(status.Value, answer.BankTxnId, direction, answer.AmountFen, answer.Code);
    }

    public async Task<BankReversalResult> ReverseAsync(BankReversalRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var reply = await SendAsync(HttpMethod.Post, "v1/reversals", new BankWire.Reversal(request.RequestId, request.ReversalId),
            cancellationToken);
        var answer = reply.Kind == BankReplyKind.Answered ? reply.Read<BankWire.ReversalAnswer>(BankWire.Json) : null;
        var result = (reply.Kind, answer?.Status) switch
        {
            (BankReplyKind.Refused, _) => new BankReversalResult(BankOutcome.Failed, reply.Code, reply.Message),
            (_, "succeeded") => new BankReversalResult(BankOutcome.Succeeded, answer!.Code, null),
            (_, "failed") => new BankReversalResult(BankOutcome.Failed, answer!.Code, null),
            _ => new BankReversalResult(BankOutcome.Unknown, answer?.Code ?? reply.Code ?? BankErrorCodes.TransportError, reply.Message),
        };
        if (result.Outcome == BankOutcome.Unknown)
        {
            LogNoAnswer(logger, "reversal", request.RequestId, result.Code!);
        }
        return result;
    }

    public async Task<BankStatementResult> GetStatementAsync(string bank, DateOnly day, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bank);
        var path = $"v1/statements/{Uri.EscapeDataString(bank)}/{day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";
        var reply = await SendAsync(HttpMethod.Get, path, null, cancellationToken);
        if (reply.Kind != BankReplyKind.Answered)
        {
            var outcome = reply.Kind == BankReplyKind.Refused ? BankOutcome.Failed : BankOutcome.Unknown;
            return new BankStatementResult(outcome, null, reply.Code, reply.Message);
        }
        try
        {
            var statement = new BankStatement(bank, day, BankStatementCsv.Parse(reply.Body!));
            return new BankStatementResult(BankOutcome.Succeeded, statement, null, null);
        }
        catch (FormatException e)
        {
            // A cut-off or garbled download is a transport problem: download it again rather than reconcile against it.
            return new BankStatementResult(BankOutcome.Unknown, null, BankErrorCodes.TransportError, e.Message);
        }
    }

    private async Task<BankMovementResult> MoveAsync(string path, BankMovementRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = new BankWire.Movement(request.RequestId, request.Bank, request.CardNumber, request.AmountFen, request.Memo,
            request.NotifyUrl?.AbsoluteUri);
        var reply = await SendAsync(HttpMethod.Post, path, body, cancellationToken);
        var answer = reply.Kind == BankReplyKind.Answered ? reply.Read<BankWire.MovementAnswer>(BankWire.Json) : null;
        var result = (reply.Kind, answer?.Status) switch
        {
            // the id was used before with other fields (a resend after a deploy changed the memo): that says nothing of the
            // original, which may have moved money — unknown, so the next query decides, never a void of its hold (CARD-4)
            (BankReplyKind.Refused, _) when reply.Code == BankErrorCodes.RequestIdConflict =>
                new BankMovementResult(BankOutcome.Unknown, null, reply.Code, reply.Message),
            (BankReplyKind.Refused, _) => new BankMovementResult(BankOutcome.Failed, null, reply.Code, reply.Message),
            (_, "succeeded") => new BankMovementResult(BankOutcome.Succeeded, answer!.BankTxnId, null, null),
            (_, "failed") => new BankMovementResult(BankOutcome.Failed, answer!.BankTxnId, answer.Code, answer.Message),
            // "unknown", a status we do not know, or no readable answer at all: never read as failed (CARD-4).
            _ => new BankMovementResult(BankOutcome.Unknown, null, answer?.Code ?? reply.Code ?? BankErrorCodes.TransportError,
                answer?.Message ?? reply.Message),
        };
        if (result.Outcome == BankOutcome.Unknown)
        {
            LogNoAnswer(logger, path, request.RequestId, result.Code!);
        }
        return result;
    }

    private static BankVerificationResult Verification(BankReply reply)
    {
        var answer = reply.Kind == BankReplyKind.Answered ? reply.Read<BankWire.Verification>(BankWire.Json) : null;
        if (answer is not null)
        {
            BankCardType? type = answer.CardType switch { "debit" => BankCardType.Debit, "credit" => BankCardType.Credit, _ => null };
            return new BankVerificationResult(BankOutcome.Succeeded, answer.Matched, type, answer.Code, null);
        }
        var outcome = reply.Kind == BankReplyKind.Refused ? BankOutcome.Failed : BankOutcome.Unknown;
        return new BankVerificationResult(outcome, false, null, reply.Code ?? BankErrorCodes.TransportError, reply.Message);
    }
}
