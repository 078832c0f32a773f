using Zhifu.Core;
using Zhifu.Data.Entities;

namespace Zhifu.Server.Transfers;

/// <summary>A wallet's agreed transfer limits and what is left of every limit now (TRF-1, PAY-7, ACC-2).</summary>
public sealed record TransferLimitDto(Guid UserId, int CreditLevel, bool SetByOperator, long SingleAmountFen, long DailyAmountFen,
    int DailyCount, long YearlyAmountFen, IReadOnlyList<TransferLimitDto.Line> Limits)
{
    /// <summary>One limit: fen (or transfers, for <c>daily-count</c>) agreed, left, and when it starts afresh in Asia/Shanghai.</summary>
    public sealed record Line(string Limit, long Value, long Remaining, string? ResetsAt);

    public static async Task<TransferLimitDto> OfAsync(UserRow user, TransferLimits limits, CancellationToken cancellationToken)
    {
        var (agreed, status) = await limits.StatusAsync(user, cancellationToken);
        return new(user.Id, agreed.CreditLevel, agreed.SetByOperator, agreed.SingleAmountFen, agreed.DailyAmountFen, agreed.DailyCount,
            agreed.YearlyAmountFen, [.. status.Select(s => new Line(s.Limit, s.LimitValue, s.Remaining,
                s.ResetsAt is { } r ? ChinaTime.Format(r) : null))]);
    }
}
