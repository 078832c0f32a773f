using System.Globalization;
using Zhifu.Core;
using Zhifu.Core.Ledger;
using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;

namespace Zhifu.Server.Statements;

/// <summary>What the statement routes answer — the same for the holder and for operators — and how they read it.</summary>
public static class StatementViews
{
    /// <summary>A line: amounts in signed fen and as shown (<c>+¥12.34</c>), the time in China time with its offset.</summary>
    public sealed record EntryDto(Guid RecordId, string Kind, long AmountFen, string Amount, string Status, string Title, string TitleEn,
        string? Counterparty, string At);

    public sealed record PageDto(IReadOnlyList<EntryDto> Entries, string? NextCursor, int Limit);

    public sealed record TransferDto(Guid TransferId, string Leg, string? HoldStatus, string Account, long AmountFen, string Amount,
        long PostedFen, long HeldFen, string CounterAccount, int Code, string At);

    /// <summary>A line with the ledger transfers its record explains; their posted and held effects add up to the line.</summary>
    public sealed record DetailDto(EntryDto Entry, IReadOnlyList<TransferDto> Transfers, long PostedFen, long HeldFen);

    /// <summary>
    /// 余额 — what the wallet holds: the ordinary balance, the consumption-only funds from credit cards (CARD-3), money held
    /// for moves under way (out) and money arriving (in), and what may be withdrawn (the ordinary balance only).
    /// </summary>
    public sealed record BalanceDto(long BalanceFen, string Balance, long ConsumptionOnlyFen, string ConsumptionOnly, long TotalFen,
        string Total, long OnHoldFen, string OnHold, long IncomingFen, string Incoming, long WithdrawableFen, string Withdrawable);

    public static string Iso(DateTimeOffset at) =>
        ChinaTime.ToChina(at).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    public static string Signed(long fen) => fen > 0 ? "+" + new Money(fen) : new Money(fen).ToString();

    public static EntryDto Dto(StatementEntry e) =>
        new(e.RecordId, e.Kind, e.AmountFen, Signed(e.AmountFen), e.Status, e.Title, e.TitleEn, e.Counterparty, Iso(e.At));

    public static PageDto Dto(IReadOnlyList<StatementEntry> entries, string? next, int limit) => new([.. entries.Select(Dto)], next, limit);

    public static DetailDto Dto(StatementEntry entry, IReadOnlyList<RecordTransfer> transfers) => new(Dto(entry),
        [.. transfers.Select(t => new TransferDto(t.TransferId, t.Leg, t.HoldStatus, t.Account, t.AmountFen,
            new Money(t.AmountFen).ToString(), t.PostedFen, t.HeldFen, t.CounterAccount, t.Code, Iso(t.At)))],
        transfers.Sum(t => t.PostedFen), transfers.Sum(t => t.HeldFen));

    public static BalanceDto Balance(ILedger ledger, UserRow user)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(user);
        var wallet = ledger.GetAccount(user.WalletAccountId);
        var consumption = ledger.GetAccount(user.ConsumptionAccountId);
        var balance = wallet?.AvailableCreditBalance ?? 0;
        var restricted = consumption?.AvailableCreditBalance ?? 0;
        var held = (wallet?.DebitsPending ?? 0) + (consumption?.DebitsPending ?? 0);
        var incoming = (wallet?.CreditsPending ?? 0) + (consumption?.CreditsPending ?? 0);
        return new BalanceDto(balance, Show(balance), restricted, Show(restricted), balance + restricted, Show(balance + restricted), held,
            Show(held), incoming, Show(incoming), balance, Show(balance));
    }

    /// <summary>Reads a page of the user's statement from the raw query string, or the refusal.</summary>
    public static async Task<(PageDto? Page, WalletError? Error)> PageAsync(WalletStatements statements, Guid userId, HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(statements);
        ArgumentNullException.ThrowIfNull(request);
        var q = request.Query;
        var (query, error) = StatementRequest.Parse(userId, Single(q, "from"), Single(q, "to"), q["kind"].ToArray()!, Single(q, "cursor"),
            Single(q, "limit"), statements.Kinds);
        if (error is not null || q.Keys.Any(k => !Parameters.Contains(k)))
        {
            return (null, error ?? StatementErrors.UnknownParameter);
        }
        var (entries, next) = await statements.ReadAsync(query!, cancellationToken);
        return (Dto(entries, next, query!.Limit), null);
    }

    private static readonly HashSet<string> Parameters = new(["from", "to", "kind", "cursor", "limit"], StringComparer.OrdinalIgnoreCase);

    /// <summary>A parameter given twice is as doubtful as a malformed one: "INVALID" rather than guessing which was meant.</summary>
    private static string? Single(IQueryCollection query, string name) => query[name].Count switch
    {
        0 => null,
        1 => query[name][0],
        _ => "\u0000",
    };

    private static string Show(long fen) => new Money(fen).ToString();
}
