using Zhifu.Server.Accounts;

namespace Zhifu.Server.Statements;

/// <summary>Refusals of the statement routes, with stable codes.</summary>
public static class StatementErrors
{
    public static readonly WalletError BadTime = new(400, "INVALID_STATEMENT_TIME",
        "时间格式不正确：请用 2026-12-01 或 2026-12-01T08:00:00+08:00", "Bad time: use 2026-12-01 or 2026-12-01T08:00:00+08:00");
    public static readonly WalletError BadRange = new(400, "INVALID_STATEMENT_RANGE", "开始时间须早于结束时间", "from must be before to");
    public static readonly WalletError BadKind = new(400, "INVALID_STATEMENT_KIND", "不支持的账单类型", "Unknown statement kind");
    public static readonly WalletError BadCursor = new(400, "INVALID_STATEMENT_CURSOR", "翻页标记无效，请从第一页重新查询",
        "Bad cursor: start again from the first page");
    public static readonly WalletError BadLimit = new(400, "INVALID_STATEMENT_LIMIT", "每页条数须为 1 到 100 的整数",
        "limit must be a whole number from 1 to 100");
    public static readonly WalletError UnknownParameter = new(400, "INVALID_STATEMENT_PARAMETER",
        "只支持参数 from、to、kind、cursor、limit", "Only from, to, kind, cursor and limit are accepted");
    public static readonly WalletError BadUserId = new(400, "INVALID_USER_ID", "用户编号格式不正确", "Bad user id");
    public static readonly WalletError BadRecordId = new(400, "INVALID_STATEMENT_RECORD_ID", "账单编号格式不正确", "Bad statement record id");
    public static readonly WalletError EntryNotFound = new(404, "STATEMENT_ENTRY_NOT_FOUND", "找不到该笔账单", "No such statement entry");
}
