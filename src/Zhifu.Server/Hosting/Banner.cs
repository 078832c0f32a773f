using Zhifu.Core.Banking;

namespace Zhifu.Server.Hosting;

/// <summary>What a newcomer sees after <c>dotnet run</c>: the URLs and the demo sign-ins (demo data, not personal data).</summary>
public static class Banner
{
    public static void Print(string baseUrl, ServerSettings settings, Uri? bankUrl)
    {
        var url = baseUrl.TrimEnd('/');
        var lines = new List<string>
        {
            "",
            "知付 Zhifu is running — 移动支付管理平台",
            $"  API docs (OpenAPI)   {url}/docs        document: {url}/openapi/v1.json",
            $"  Health / metrics     {url}/healthz     {url}/metrics",
            $"  Operator console     {url}/ops          (运营管理后台: sign in with a demo operator below)",
            $"  User's H5 wallet     {url}/wallet       (钱包: sign in with a demo user below)",
            $"  Operator API         {url}/api/ops/... (sign in: POST {url}/api/ops/auth/login)",
            $"  Data                 {settings.Database.Describe()}",
            $"  Bank simulator       {bankUrl?.ToString() ?? "(starting)"}   (zhifu-bank; its /admin API adds test cards)",
            "",
            $"  Demo operators (password {DemoWorld.OperatorPassword}):",
        };
        lines.AddRange(DemoWorld.Operators.Select(o => $"    {o.Username,-8} {o.Title}"));
        lines.Add($"  Demo users (login password {DemoWorld.UserPassword}, payment password {DemoWorld.UserPaymentPassword}):");
        lines.AddRange(DemoCards.People.Select(p =>
            $"    {p.Phone}  {p.Name}  {new Zhifu.Core.Money(DemoWorld.OpeningBalances[p.Phone])}"));
        lines.Add($"  Demo merchant: mchid {DemoWorld.MerchantId}; its v3 API credentials are in {settings.DataDirectory}/demo/merchant/");
        lines.Add($"  Face-pay terminal simulator {url}/face-terminal (enrol a demo face at {url}/wallet/face first)");
        lines.Add($"  Demo merchant staff (merchant console {url}/merchant, API {url}/api/merchant/..., password {DemoWorld.MerchantStaffPassword}):");
        lines.AddRange(DemoWorld.MerchantStaff.Select(s => $"    {s.Username,-13} {s.Title}"));
        lines.Add("");
        Console.WriteLine(string.Join(Environment.NewLine, lines));
    }
}
