using Zhifu.Bank.Hosting;

namespace Zhifu.Bank;

/// <summary>zhifu-bank: <c>dotnet zhifu-bank.dll --urls http://127.0.0.1:5090 --data-dir ./data/bank</c>.</summary>
internal static class Program
{
    private static async Task Main(string[] args)
    {
        await using var app = BankApp.Build(args);
        await app.RunAsync();
    }
}
