using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Zhifu.Data.Entities;
using Zhifu.Server.Banking;
using Zhifu.Server.Ledger;
using Zhifu.Server.Lifecycle;
using Zhifu.Server.Notifications;
using Zhifu.Tests.Bank;
using static Zhifu.Tests.Hosting.OperatorApiTests;
using static Zhifu.Tests.Lifecycle.LifecycleClient;

namespace Zhifu.Tests.Lifecycle;

/// <summary>ACC-4: no transaction within six months of opening suspends all business until the holder re-verifies.</summary>
public sealed class DormancyTests : IAsyncLifetime
{
    private static readonly TimeSpan SixMonths = TimeSpan.FromDays(184);
    private ClockedServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await ClockedServer.StartAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private Task<int> ScanAsync() => _server.Services.GetRequiredService<DormancyScan>().RunOnceAsync(Ct);

    [Fact]
    public async Task A_wallet_without_a_transaction_six_months_after_opening_is_suspended_until_the_holder_reverifies()
    {
        var phone = NewPhone();
        var (_, idle) = await OpenWalletAsync(_server, phone);
        var (_, used) = await OpenWalletAsync(_server, NewPhone());
        await FundAsync(_server, used, 1_00);
        var opened = (await UserAsync(_server, idle)).CreatedAt;

        // One hour short of six months: nothing yet.
        _server.Clock.Advance(opened.AddMonths(6) - _server.Clock.UtcNow - TimeSpan.FromHours(1));
        Assert.Equal(0, await ScanAsync());
        Assert.Null(await GuardAsync(_server, idle, Business.NonCounterOut));

        _server.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(1, await ScanAsync()); // the used wallet and the funded demo wallets transacted
        Assert.Equal(0, await ScanAsync()); // suspended once
        foreach (var kind in new[] { Business.NonCounterOut, Business.NonCounterIn, Business.CounterOut, Business.CounterIn })
        {
            Assert.Equal("ACCOUNT_DORMANT", await GuardAsync(_server, idle, kind)); // all business, as a payment institution must
        }
        Assert.Null(await GuardAsync(_server, used, Business.NonCounterOut));
        var texts = await _server.Services.GetRequiredService<SmsOutbox>().ReadAsync(phone, 1, Ct);
        Assert.Contains("暂停业务", texts[0].Body);

        var wallet = await SignInAsync(_server, phone); // the old session expired while the clock moved
        var view = await RestrictionsAsync(wallet);
        Assert.Equal("ACCOUNT_DORMANT", view.GetProperty("restrictions")[0].GetProperty("code").GetString());
        Assert.Contains("休眠", view.GetProperty("restrictions")[0].GetProperty("zh").GetString());

        var code = await CodeAsync(_server, wallet, phone, "reactivate");
        await wallet.RefusedAsync("/api/wallet/me/reactivate", new { paymentPassword = "369258", otp = code }, 401, "BAD_PAYMENT_PASSWORD");
        Assert.Equal(HttpStatusCode.NoContent,
            (await wallet.PostAsJsonAsync("/api/wallet/me/reactivate", new { paymentPassword = PaymentPassword, otp = code },
                Ct)).StatusCode);
        Assert.Null(await GuardAsync(_server, idle, Business.NonCounterOut));
        Assert.Equal(0, await ScanAsync());

        // Re-verified but still never used: another full period later it is dormant again.
        _server.Clock.Advance(SixMonths);
        Assert.Equal(1, await ScanAsync());
        Assert.Equal("ACCOUNT_DORMANT", await GuardAsync(_server, idle, Business.NonCounterIn));
    }

    [Fact]
    public async Task A_real_name_wallet_reverifies_with_the_holders_id_number_confirmed_by_an_external_source()
    {
        var bank = new BankAdminClient(new HttpClient(), _server.Services.GetRequiredService<BankChannelAddress>().BaseAddress!);
        var known = await bank.OpenCardAsync("CCB", 100, Ct); // CCB knows this person; ICBC, asked first, does not
        var (_, userId) = await OpenWalletAsync(_server, known.Phone);
        await RealNameAsync(_server, userId, known.Name, known.IdNumber);
        var strangerPhone = NewPhone();
        var (_, strangerId) = await OpenWalletAsync(_server, strangerPhone);
        await RealNameAsync(_server, strangerId, "钱七", "11010519491231002X"); // no bank knows 钱七 on this number
        _server.Clock.Advance(SixMonths);
        Assert.Equal(2, await ScanAsync());

        var wallet = await SignInAsync(_server, known.Phone);
        var code = await CodeAsync(_server, wallet, known.Phone, "reactivate");
        await wallet.RefusedAsync("/api/wallet/me/reactivate", new { paymentPassword = PaymentPassword, otp = code },
            400, "ID_NUMBER_REQUIRED");
        await wallet.RefusedAsync("/api/wallet/me/reactivate",
            new { paymentPassword = PaymentPassword, otp = code, idNumber = "110105198503123010" }, 403, "ID_NUMBER_MISMATCH");
        Assert.Equal("ACCOUNT_DORMANT", await GuardAsync(_server, userId, Business.NonCounterOut));
        code = await CodeAsync(_server, wallet, known.Phone, "reactivate");
        Assert.Equal(HttpStatusCode.NoContent, (await wallet.PostAsJsonAsync("/api/wallet/me/reactivate",
            new { paymentPassword = PaymentPassword, otp = code, idNumber = known.IdNumber }, Ct)).StatusCode);
        Assert.Null(await GuardAsync(_server, userId, Business.NonCounterOut));

        var stranger = await SignInAsync(_server, strangerPhone);
        code = await CodeAsync(_server, stranger, strangerPhone, "reactivate");
        await stranger.RefusedAsync("/api/wallet/me/reactivate",
            new { paymentPassword = PaymentPassword, otp = code, idNumber = "11010519491231002x" }, 403, "IDENTITY_NOT_CONFIRMED");
        Assert.Equal("ACCOUNT_DORMANT", await GuardAsync(_server, strangerId, Business.NonCounterOut));
    }

    [Fact]
    public async Task The_dormancy_worker_scans_as_soon_as_it_starts()
    {
        var (_, userId) = await OpenWalletAsync(_server, NewPhone());
        _server.Clock.Advance(SixMonths);
        var worker = new DormancyWorker(_server.Services.GetRequiredService<DormancyScan>(),
            new LifecycleOptions { DormancyScanMinutes = 60 },
            _server.Services.GetRequiredService<IHostApplicationLifetime>(), NullLogger<DormancyWorker>.Instance);
        await worker.StartAsync(Ct);
        try
        {
            for (var i = 0; i < 100 && await GuardAsync(_server, userId, Business.NonCounterOut) is null; i++)
            {
                await Task.Delay(100, Ct);
            }
        }
        finally
        {
            await worker.StopAsync(Ct);
        }
        Assert.Equal("ACCOUNT_DORMANT", await GuardAsync(_server, userId, Business.NonCounterOut));
        Assert.Contains(_server.Services.GetServices<IHostedService>(), s => s is DormancyWorker);
    }

    [Fact]
    public async Task Bad_reactivation_requests_get_a_stable_code_and_write_nothing()
    {
        var phone = NewPhone();
        var (wallet, userId) = await OpenWalletAsync(_server, phone);
        await wallet.RefusedAsync("/api/wallet/me/reactivate", new { paymentPassword = PaymentPassword, otp = "123456" },
            409, "NOT_DORMANT");
        _server.Clock.Advance(SixMonths);
        await ScanAsync();
        wallet = await SignInAsync(_server, phone);
        var before = await WrittenRowsAsync(_server);

        await wallet.RefusedAsync("/api/wallet/me/reactivate", new { }, 400, "CONFIRMATION_REQUIRED");
        await wallet.RefusedAsync("/api/wallet/me/reactivate", new { paymentPassword = PaymentPassword, otp = "1", idNumber = "123" },
            400, "INVALID_ID_NUMBER");
        await wallet.RefusedAsync("/api/wallet/me/reactivate", Json("{\"paymentPassword\": {}, \"otp\": \"123456\"}"),
            400, "INVALID_REQUEST");
        await wallet.RefusedAsync("/api/wallet/me/reactivate", Json("{\"otp\":\"" + new string('1', 70_000) + "\"}"),
            413, "PAYLOAD_TOO_LARGE");
        await _server.Client().RefusedAsync("/api/wallet/me/reactivate", new { paymentPassword = PaymentPassword, otp = "1" },
            401, "SIGN_IN_REQUIRED");

        Assert.Equal(before, await WrittenRowsAsync(_server));
        Assert.Equal(0, (await UserAsync(_server, userId)).FailedPaymentPasswords);
        await using var db = _server.Database.Options.CreateContext();
        Assert.True(await db.Set<AccountRestrictionRow>().AnyAsync(r => r.UserId == userId && r.Kind == "dormant" && r.LiftedAt == null,
            Ct));
    }
}
