using Zhifu.Data.Entities;

namespace Zhifu.Server.Consoles;

/// <summary>
/// Face-pay terminal states, and claims' kinds, states and recovery states, in the consoles' two languages (every page says
/// them the same way).
/// </summary>
public static class FaceText
{
    public static string TerminalState(string state, bool english) => state switch
    {
        FaceTerminalRow.Pending => english ? "awaiting certification" : "待认证",
        FaceTerminalRow.Certified => english ? "certified" : "已认证",
        FaceTerminalRow.Rejected => english ? "rejected" : "已驳回",
        FaceTerminalRow.Disabled => english ? "disabled" : "已停用",
        _ => english ? "all" : "全部",
    };

    /// <summary>The tag's colour for a state.</summary>
    public static string TerminalTag(string state) => state switch
    {
        FaceTerminalRow.Pending => "warn",
        FaceTerminalRow.Certified => "ok",
        _ => "bad",
    };

    /// <summary>The claims list's filter that shows compensated claims whose recovery is still open (<c>pursuingOnly</c>).</summary>
    public const string RecoveryPending = "recovery-pending";

    public static string ClaimKind(string kind, bool english) => kind switch
    {
        FaceClaimRow.Stolen => english ? "not me (stolen)" : "非本人刷脸",
        FaceClaimRow.Mistaken => english ? "charged wrongly" : "扣款有误",
        _ => kind,
    };

    /// <summary>A claim's state, or one of the list's filters (<see cref="RecoveryPending"/>, <c>all</c>).</summary>
    public static string ClaimState(string state, bool english) => state switch
    {
        FaceClaimRow.Open => english ? "open" : "待处理",
        FaceClaimRow.Compensated => english ? "compensated" : "已先行赔付",
        FaceClaimRow.Rejected => english ? "rejected" : "已驳回",
        RecoveryPending => english ? "recovery pending" : "待追偿",
        _ => english ? "all" : "全部",
    };

    public static string ClaimTag(string state) => state switch
    {
        FaceClaimRow.Open => "warn",
        FaceClaimRow.Compensated => "ok",
        _ => "bad",
    };

    /// <summary>Where the recovery of a compensated claim stands (none for open and rejected claims).</summary>
    public static string RecoveryState(string? state, bool english) => state switch
    {
        FaceClaimRow.Pursuing => english ? "recovering" : "追偿中",
        FaceClaimRow.Recovered => english ? "recovered" : "已追回",
        FaceClaimRow.WrittenOff => english ? "written off" : "已核销",
        _ => "—",
    };
}
