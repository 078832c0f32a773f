namespace Zhifu.Server.Consoles.Merchant;

/// <summary>The merchant staff roles (MER-5) as the console names them.</summary>
public static class MerchantRoles
{
    public static string Name(string? role, bool english) => role switch
    {
        "admin" => english ? "admin" : "管理员",
        "finance" => english ? "finance" : "财务",
        "cashier" => english ? "cashier" : "收银员",
        _ => role ?? "",
    };

    public static string Text(this Microsoft.AspNetCore.Mvc.Rendering.IHtmlHelper html, string? role) =>
        Name(role, ConsoleText.IsEnglish(html?.ViewContext.HttpContext!));
}
