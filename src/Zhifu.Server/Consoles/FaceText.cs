using Zhifu.Data.Entities;

namespace Zhifu.Server.Consoles;

/// <summary>Face-pay terminal states (FACE-5) in the consoles' two languages (merchant and operator pages say them the same way).</summary>
public static class FaceText
{
    public static string TerminalState(string state, bool english) => state switch
    {
        FaceTerminalRow.Pending => english ? "pending certification" : "待认证",
        FaceTerminalRow.Certified => english ? "certified" : "已认证",
        FaceTerminalRow.Rejected => english ? "rejected" : "已驳回",
        FaceTerminalRow.Disabled => english ? "disabled" : "已停用",
        _ => state,
    };

    /// <summary>The layout's tag colour for a state: certified is good, pending waits, the rest are refusals.</summary>
    public static string TerminalTag(string state) => state switch
    {
        FaceTerminalRow.Certified => "ok",
        FaceTerminalRow.Pending => "warn",
        _ => "bad",
    };
}
