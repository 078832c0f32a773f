using Zhifu.Data.Entities;

namespace Zhifu.Server.Consoles;

/// <summary>Passwordless states in the consoles' two languages (operator and merchant pages say them the same way).</summary>
public static class PasswordlessText
{
    public static string AgreementState(string state, bool english) => state switch
    {
        PasswordlessAgreementRow.Signed => english ? "signed" : "已签约",
        PasswordlessAgreementRow.Terminated => english ? "terminated" : "已解约",
        _ => state,
    };

    public static string DisputeState(string state, bool english) => state switch
    {
        PasswordlessDisputeRow.Open => english ? "open" : "待处理",
        PasswordlessDisputeRow.Upheld => english ? "upheld" : "投诉成立",
        PasswordlessDisputeRow.Rejected => english ? "rejected" : "投诉不成立",
        _ => english ? "all" : "全部",
    };
}
