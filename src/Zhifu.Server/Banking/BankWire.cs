using System.Text.Json;

namespace Zhifu.Server.Banking;

/// <summary>The JSON shapes of zhifu-bank's /v1 API (snake_case), as the client sends and reads them.</summary>
internal static class BankWire
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public sealed record IdentityCheck(string Source, string Name, string IdNo, string Phone);

    public sealed record CardCheck(string Bank, string CardNo, string Name, string IdNo, string Phone);

    public sealed record Verification(bool Matched, string? CardType, string? Code);

    public sealed record Movement(string RequestId, string Bank, string CardNo, long AmountFen, string Memo, string? NotifyUrl);

    public sealed record MovementAnswer(string? RequestId, string? Status, string? BankTxnId, string? Code, string? Message);

    public sealed record Transaction(
        string? RequestId, string? Status, string? BankTxnId, string? Direction, long? AmountFen, string? Code);

    public sealed record Reversal(string RequestId, string ReversalId);

    public sealed record ReversalAnswer(string? Status, string? Code);
}
