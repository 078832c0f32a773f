using Zhifu.Server.Accounts;

namespace Zhifu.Server.Risk.Aml;

/// <summary>Every refusal of the AML report routes (RISK-6), with stable codes.</summary>
public static class AmlErrors
{
    public static readonly WalletError InvalidDay = new(400, "AML_INVALID_DAY",
        "day 须为 yyyy-MM-dd 格式的日期", "day must be a date as yyyy-MM-dd");
    public static readonly WalletError DayNotOver = new(400, "AML_DAY_NOT_OVER",
        "只能生成已结束日期（北京时间）的报告", "Reports are made only for days that are over (China time)");
    public static readonly WalletError DayTooOld = new(400, "AML_DAY_TOO_OLD",
        "该日期早于可生成报告的最早日期", "The day is older than reports can be made for");
    public static readonly WalletError InvalidKind = new(400, "AML_INVALID_KIND",
        "kind 须为 large-value 或 suspicious", "kind must be large-value or suspicious");
    public static readonly WalletError InvalidOffset = new(400, "INVALID_OFFSET",
        "offset 须在 0–10000 之间", "offset must be 0–10000");
    public static readonly WalletError ReportNotFound = new(404, "AML_REPORT_NOT_FOUND", "找不到该报告", "No such report");
}
