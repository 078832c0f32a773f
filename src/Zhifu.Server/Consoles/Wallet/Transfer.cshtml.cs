using Microsoft.AspNetCore.Mvc;
using Zhifu.Server.Accounts;
using Zhifu.Server.Transfers;

namespace Zhifu.Server.Consoles.Wallet;

/// <summary>
/// 转账 to a phone (TRF-1 … TRF-3): amount and arrival (real time, 2 h, 24 h); the payee shown masked before confirming; the
/// payment password, the SMS second factor or risk step-up and the large-amount confirmation when asked (<see cref="TransferPage"/>).
/// Through <see cref="TransferTargets"/> and <see cref="WalletTransfers"/>, as the Wallet API.
/// </summary>
public sealed class TransferModel(TransferTargets targets, WalletTransfers transfers) : TransferPage(transfers)
{
    [BindProperty]
    public string? Phone { get; set; }

    [BindProperty]
    public string Arrival { get; set; } = WalletTransfers.RealTime;

    [BindProperty]
    public string? Memo { get; set; }

    public IReadOnlyList<string> Arrivals => targets.Arrivals;
    public string? PhoneError { get; private set; }
    public string? ArrivalError { get; private set; }
    public string? MemoError { get; private set; }

    public override string FormPath => "/wallet/transfer";

    protected override string OrderArrival => Arrival;

    protected override string? OrderMemo => string.IsNullOrWhiteSpace(Memo) ? null : Memo.Trim();

    protected override async Task<bool> CheckTargetAsync()
    {
        Phone = Phone?.Trim();
        if (!CredentialRules.IsPhone(Phone))
        {
            PhoneError = Say(WalletErrors.InvalidPhone);
        }
        if (!targets.IsArrival(Arrival))
        {
            ArrivalError = Say(TransferErrors.InvalidArrival);
        }
        if (Memo is { Length: > 32 })
        {
            MemoError = Say(TransferErrors.InvalidMemo);
        }
        if (PhoneError is null && (Target = await targets.WalletAsync(Phone!, UserId, Aborted)) is null)
        {
            PhoneError = Say(TransferErrors.PayeeNotFound);
        }
        return PhoneError is null && ArrivalError is null && MemoError is null;
    }

    public string ArrivalName(string arrival) => arrival == WalletTransfers.RealTime ? T("实时到账", "Real time")
        : T($"{arrival.TrimEnd('h')} 小时后到账", $"In {arrival.TrimEnd('h')} hours");
}
