using Zhifu.Data.Entities;

namespace Zhifu.Server.Consoles;

/// <summary>Face-pay terminal states in the consoles' two languages (operator and merchant pages say them the same way).</summary>
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
}
