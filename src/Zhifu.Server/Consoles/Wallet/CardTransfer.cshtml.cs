using Microsoft.AspNetCore.Mvc;
using Zhifu.Server.Accounts;
using Zhifu.Server.Transfers;
using BankCards = Zhifu.Server.Cards.BankCards;
using BoundCard = Zhifu.Server.Cards.BoundCard;

namespace Zhifu.Server.Consoles.Wallet;

/// <summary>
/// 转账到本人银行卡 (TRF-1): to one of the holder's own bound debit cards (never a credit card, CARD-3), within the agreed
/// transfer limits; confirmed as any transfer (<see cref="TransferPage"/>). The target is
/// <see cref="TransferTargets.OwnCardAsync"/>, the same the Wallet API's <c>POST /api/wallet/me/card-transfers</c> uses.
/// </summary>
public sealed class CardTransferModel(BankCards cards, TransferTargets targets, WalletTransfers transfers) : TransferPage(transfers)
{
    [BindProperty]
    public string? Card { get; set; }

    /// <summary>The bound debit cards (CARD-3: a credit card never receives money).</summary>
    public IReadOnlyList<BoundCard> Cards { get; private set; } = [];
    public BoundCard? Chosen { get; private set; }
    public string? CardError { get; private set; }

    public override string FormPath => "/wallet/transfer/card";

    protected override string OrderArrival => WalletTransfers.RealTime;

    protected override string? OrderMemo => null;

    public override async Task OnGetAsync() => await LoadAsync();

    protected override async Task<bool> CheckTargetAsync()
    {
        await LoadAsync();
        WalletError? refusal;
        (Target, refusal) = await targets.OwnCardAsync(UserId, Card, Aborted);
        Chosen = Target is null ? null : Cards.FirstOrDefault(c => c.Token == Card);
        CardError = refusal is null ? null : Say(refusal);
        return CardError is null;
    }

    private async Task LoadAsync() =>
        Cards = [.. (await cards.ListAsync(UserId, Aborted)).Where(c => c.AcceptsWithdrawals)];
}
