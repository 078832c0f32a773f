using Microsoft.EntityFrameworkCore;
using Zhifu.Core.Banking;
using Zhifu.Core.Ledger;
using Zhifu.Data.Entities;

namespace Zhifu.Server.Funds;

/// <summary>
/// The entry point for another feature's money out to a card through this one bank path (TRF-1 转账到银行卡): the same
/// withdrawal record, hold, bank request and CARD-4 recovery as <see cref="StartAsync"/>, but the hold is submitted linked
/// after the caller's own legs (its transfer limits), so either all hold or nothing does.
/// </summary>
public sealed partial class FundMovements
{
    /// <summary>
    /// The kind of a movement that carries another feature's transfer to a card: a withdrawal to the bank (code 11, the same
    /// bank request and recovery), but shown in statements by the transfer, not as a second line.
    /// </summary>
    public const string CardTransfer = "card-transfer";

    /// <summary>
    /// Holds <paramref name="amountFen"/> after <paramref name="linkedBefore"/> (each flagged Linked) and asks the bank to
    /// credit the debit card. Returns the movement (succeeded, failed or unknown) and the hold request's results, aligned
    /// with <paramref name="linkedBefore"/> followed by the hold, so the caller can tell which leg refused.
    /// </summary>
    public Task<(FundMovementRow Movement, TransferResult[] HoldResults)> StartWithdrawalAfterAsync(Guid movementId, Guid userId,
        BoundCard card, long amountFen, Guid walletLedgerAccountId, IReadOnlyList<Transfer> linkedBefore, bool review = false) =>
        StartLinkedAsync(CardTransfer, movementId, userId, card, amountFen, walletLedgerAccountId, linkedBefore, review);

    /// <summary>
    /// The one linked withdrawal path, for a plain withdrawal (its ACC-2 class legs in front) and a transfer to a card (the
    /// transfer's legs in front): the record first, then [legs…, hold] as one ledger request, then the bank.
    /// </summary>
    internal async Task<(FundMovementRow Movement, TransferResult[] HoldResults)> StartLinkedAsync(string kind, Guid movementId,
        Guid userId, BoundCard card, long amountFen, Guid walletLedgerAccountId, IReadOnlyList<Transfer> linkedBefore, bool review = false)
    {
        ArgumentNullException.ThrowIfNull(card);
        ArgumentNullException.ThrowIfNull(linkedBefore);
        if (card.CardType != BankCardType.Debit || linkedBefore.Any(t => !t.Flags.HasFlag(TransferFlags.Linked)))
        {
            throw new ArgumentException("a debit card and a linked chain are required"); // CARD-3
        }
        var movement = await FindMovementAsync(movementId);
        if (movement is not null && !IsRequest(movement, userId, kind, card, amountFen))
        {
            return (movement, [TransferResult.ExistsWithDifferentFields]); // another request's movement: never touched from here
        }
        DateTimeOffset? claim = null;
        var started = movement is null;
        if (movement is null)
        {
            var now = clock.UtcNow;
            movement = new FundMovementRow
            {
                Id = movementId, UserId = userId, Kind = kind, CardToken = card.Token, Bank = card.Bank, CardType = "debit",
                CardMasked = card.Masked, AmountFen = amountFen, WalletLedgerAccountId = walletLedgerAccountId,
                ClearingAccountId = ClearingFor(card.Bank), Status = review ? Review : Pending, CreatedAt = now,
                ResolvingSince = review ? null : now, // the start resolves it (see FundMovementRow.ResolvingSince)
            };
            if (await RecordAsync(movement) is { } twin)
            {
                return (twin, [IsRequest(twin, userId, kind, card, amountFen) ? TransferResult.Exists : TransferResult.ExistsWithDifferentFields]);
            }
        }
        else if ((claim = await ClaimAsync(movementId)) is not null)
        {
            movement = (await FindMovementAsync(movementId))!; // taken up again (a transfer resumed): as it stands now
        }
        try
        {
            return await HoldAndAskAsync(movement, card, amountFen, walletLedgerAccountId, linkedBefore, review,
                resolving: started || claim is not null);
        }
        finally
        {
            if (claim is { } taken)
            {
                await ReleaseClaimAsync(movementId, taken);
            }
        }
    }

    /// <param name="resolving">Whether this caller may record the outcome and ask the bank: it started the movement or holds
    /// its claim. Otherwise only the (idempotent) hold request is repeated and the movement is left to its resolver.</param>
    private async Task<(FundMovementRow Movement, TransferResult[] HoldResults)> HoldAndAskAsync(FundMovementRow movement,
        BoundCard card, long amountFen, Guid walletLedgerAccountId, IReadOnlyList<Transfer> linkedBefore, bool review, bool resolving)
    {
        var results = await ledger.SubmitAsync([.. linkedBefore, new Transfer
        {
            Id = movement.Id,
            DebitAccountId = walletLedgerAccountId,
            CreditAccountId = movement.ClearingAccountId,
            AmountFen = amountFen,
            Ledger = Ledgers.Cny,
            Code = TransferCode.Withdrawal,
            Flags = TransferFlags.Pending,
            BusinessId = movement.Id,
        }], CancellationToken.None);
        if (!resolving)
        {
            return ((await FindMovementAsync(movement.Id))!, results);
        }
        if (!results[^1].IsSuccess())
        {
            await FinishAsync(movement, Failed, null, results[^1].ToString());
            return (movement, results);
        }
        if (movement.Status == Pending && (results[^1] == TransferResult.Ok || await HoldStatusAsync(movement.Id) == PendingStatus.Open))
        {
            // (a resumed movement's hold answered Exists: asked only while that hold still stands — never for money given back)
            var request = new BankMovementRequest(RequestId(movement), card.Bank, card.CardNumber, amountFen, Purpose(movement));
            await RecordAnswerAsync(movement, await bank.CreditAsync(request, CancellationToken.None));
        }
        return (movement, results);
    }

    /// <summary>
    /// Writes a new movement's record; null when written, or the twin when the same request (its id derived from the client's
    /// requestId) racing this one wrote it first — that one carries the movement on.
    /// </summary>
    private async Task<FundMovementRow?> RecordAsync(FundMovementRow movement)
    {
        await using var db = database.CreateContext();
        db.Add(movement);
        try
        {
            await db.SaveChangesAsync(CancellationToken.None);
            return null;
        }
        catch (DbUpdateException)
        {
            var twin = await FindMovementAsync(movement.Id);
            if (twin is null)
            {
                throw;
            }
            return twin;
        }
    }

    /// <summary>A movement as it stands now (its status follows the bank), or null.</summary>
    public async Task<FundMovementRow?> FindMovementAsync(Guid movementId)
    {
        await using var db = database.CreateContext();
        return await db.Set<FundMovementRow>().AsNoTracking().FirstOrDefaultAsync(m => m.Id == movementId, CancellationToken.None);
    }
}
