using Microsoft.AspNetCore.Mvc;
using Zhifu.Data.Entities;
using Zhifu.Server.Face;

namespace Zhifu.Server.Consoles.Wallet;

/// <summary>
/// 刷脸支付 (FACE-1): the user's state and its times; the consent text with a box nobody has ticked and the payment password;
/// then enrolment — a browser cannot run a certified face algorithm, so the page stands in for the device with a synthetic
/// demo face (<see cref="SyntheticFaces"/>), sealed to the transport key as a device seals it and stored through
/// <see cref="FaceEnrolment.EnrolAsync"/>, the Wallet API's own path; and withdrawal, which deletes the template at once.
/// </summary>
public sealed class FaceModel(FaceEnrolment enrolment, FaceKeys keys, FaceOptions options) : FacePage
{
    /// <summary>Whether this page may stand in for a face device (<see cref="FaceOptions.DemoDevice"/>).</summary>
    public bool DemoDeviceOn => options.DemoDevice;

    /// <summary>What the stored enrolment says came through this page (the API's own enrolments say <c>wallet</c>).</summary>
    public const string DemoDevice = "wallet-demo-device";

    [BindProperty]
    public bool Accept { get; set; }

    [BindProperty]
    public string? PaymentPassword { get; set; }

    [BindProperty]
    public int? DemoFace { get; set; }

    public FaceStatus Status { get; private set; } = null!;

    public async Task OnGetAsync() => Status = await enrolment.StatusAsync(UserId, Aborted);

    public async Task OnPostConsentAsync()
    {
        if (await enrolment.ConsentAsync(UserId, Accept, PaymentPassword, Aborted) is { } error)
        {
            Refuse(error, error == FaceEnrolment.ConsentNotAccepted ? "accept" : null);
        }
        else
        {
            Message = T("已记录您的授权。下一步：录入人脸。", "Your consent is recorded. Next: enrol your face.");
        }
        Status = await enrolment.StatusAsync(UserId, Aborted);
    }

    /// <summary>What a certified device does: take the template (here a demo face's) and seal it to the face transport key.</summary>
    public async Task OnPostEnrolAsync()
    {
        if (!options.DemoDevice)
        {
            Status = await enrolment.StatusAsync(UserId, Aborted);
            return;
        }
        if (DemoFace is not { } face || face < 1 || face > SyntheticFaces.DemoFaces)
        {
            FieldErrors["demoFace"] = T($"请选择 1–{SyntheticFaces.DemoFaces} 号中的一张演示人脸", $"Choose demo face 1–{SyntheticFaces.DemoFaces}");
        }
        else if (await enrolment.EnrolAsync(UserId, FaceEnvelope.Seal(SyntheticFaces.Demo(face), keys.TransportKeyId, keys.Transport),
            DemoDevice, Aborted) is { } error)
        {
            Refuse(error);
        }
        else
        {
            Message = T($"刷脸支付已开通（演示人脸 {face} 号）。付款时还需输入支付口令。",
                $"Face payment is on (demo face {face}). Paying also needs your passcode.");
        }
        Status = await enrolment.StatusAsync(UserId, Aborted);
    }

    public async Task OnPostWithdrawAsync()
    {
        Message = await enrolment.WithdrawAsync(UserId, Aborted)
            ? T("已撤回授权，您的人脸特征已删除，不能再刷脸付款。", "Consent withdrawn: your face template is deleted and cannot pay any more.")
            : T("没有需要撤回的授权。", "There was no consent to withdraw.");
        Status = await enrolment.StatusAsync(UserId, Aborted);
    }

    /// <summary>The state as the user reads it.</summary>
    public static string StateName(string state, bool en) => state switch
    {
        FaceEnrolmentRow.Consented => en ? "Consented, face not enrolled yet" : "已授权，待录入人脸",
        FaceEnrolmentRow.Enrolled => en ? "On" : "已开通",
        FaceEnrolmentRow.Withdrawn => en ? "Withdrawn" : "已撤回",
        _ => en ? "Not set up" : "未开通",
    };
}
