using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Face;

namespace Zhifu.Server.Consoles.Wallet;

/// <summary>
/// 刷脸支付申诉 (FACE-6, CS-1): the user's claims with their state, the department answerable and its deadline, what was paid
/// back and the decision's note; and a claim on one of the user's claimable face payments — not me, or charged wrongly — with a
/// description and, for the first kind, the suggestion to withdraw the face at once. Through <see cref="FaceClaims"/> (the
/// Wallet API's <c>/api/wallet/face/claims</c>); each refusal beside its field (<see cref="FaceClaims.FieldOf"/>).
/// </summary>
public sealed class FaceClaimsModel(FaceClaims claims, FaceEnrolment enrolment, FaceOptions options, DatabaseOptions database) : FacePage
{
    [BindProperty]
    public string? TransactionId { get; set; }

    [BindProperty]
    public string? Kind { get; set; }

    [BindProperty]
    public string? Description { get; set; }

    [BindProperty]
    public bool WithdrawFace { get; set; }

    public IReadOnlyList<FaceClaimView> Claims { get; private set; } = [];
    public IReadOnlyList<ClaimablePayment> Claimable { get; private set; } = [];

    /// <summary>Whether the user's face can still pay (consented or enrolled): only then is withdrawing it offered.</summary>
    public bool FaceActive { get; private set; }

    /// <summary>The claim this request opened, shown plainly: who handles it and by when.</summary>
    public FaceClaimView? Opened { get; private set; }

    public int WindowDays => options.ClaimWindowDays;

    public async Task OnGetAsync() => await LoadAsync();

    public async Task OnPostOpenAsync()
    {
        var (claim, error) = await claims.OpenAsync(UserId, new FaceClaimRequest(TransactionId, Kind, Description, WithdrawFace), Aborted);
        if (error is not null)
        {
            Refuse(error, FaceClaims.FieldOf(error));
        }
        else
        {
            Opened = claim;
            Message = WithdrawFace
                ? T("申诉已受理；刷脸授权已撤回，您的人脸特征已删除", "Your claim is received; face payment is withdrawn and your template deleted")
                : T("申诉已受理", "Your claim is received");
            (TransactionId, Kind, Description, WithdrawFace) = (null, null, null, false);
        }
        await LoadAsync();
    }

    /// <summary>A claim's state as the user reads it, and the tag colour that goes with it.</summary>
    public static (string Text, string Tone) StateName(FaceClaimView claim, bool en) => claim?.State switch
    {
        FaceClaimRow.Compensated when claim.CompensatedFen == 0 =>
            (en ? "Done: the shop refunded it in full" : "已处理：商户已全额退款", "ok"),
        FaceClaimRow.Compensated => (en ? "Paid back" : "已赔付", "ok"),
        FaceClaimRow.Rejected => (en ? "Not upheld" : "未支持", "bad"),
        _ => (en ? "Being handled" : "处理中", "warn"),
    };

    public static string KindName(string? kind, bool en) => kind switch
    {
        FaceClaimRow.Stolen => en ? "Not me (someone else paid with my face)" : "非本人刷脸",
        FaceClaimRow.Mistaken => en ? "Charged wrongly" : "扣款有误",
        _ => kind ?? "",
    };

    private async Task LoadAsync()
    {
        Claims = await claims.MineAsync(UserId, Aborted);
        var claimable = await claims.ClaimableAsync(UserId, Aborted);
        // the service names merchants by mchid; a person knows them by name
        var mchIds = claimable.Select(c => c.MchId).Distinct().ToList();
        await using var db = database.CreateContext();
        var names = await db.Merchants.AsNoTracking().Where(m => mchIds.Contains(m.MchId))
            .ToDictionaryAsync(m => m.MchId, m => m.Name, Aborted);
        Claimable = [.. claimable.Select(c => new ClaimablePayment(c.TransactionId, names.GetValueOrDefault(c.MchId, c.MchId),
            c.Description, new Money(c.AmountFen).ToString(), ChinaTime.Format(c.PaidAt)))];
        FaceActive = (await enrolment.StatusAsync(UserId, Aborted)).State is FaceEnrolmentRow.Consented or FaceEnrolmentRow.Enrolled;
    }
}

/// <summary>A face payment the user may still claim, as the form lists it.</summary>
public sealed record ClaimablePayment(string TransactionId, string Merchant, string Description, string Amount, string PaidAt);
