using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Core;
using Zhifu.Core.Banking;
using Zhifu.Core.Ledger;
using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;
using Zhifu.Server.Hosting;
using Zhifu.Server.Ledger;
using Zhifu.Server.Lifecycle;
using Zhifu.Server.Notifications;
using static Zhifu.Tests.Hosting.OperatorApiTests;
using static Zhifu.Tests.Lifecycle.LifecycleClient;

namespace Zhifu.Tests.Lifecycle;

/// <summary>ACC-6: closure only at zero balance with nothing on hold; the number is released for a new wallet later.</summary>
public sealed class ClosureTests : IAsyncLifetime
{
    private ClockedServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await ClockedServer.StartAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task A_wallet_at_zero_closes_its_sessions_end_and_the_number_can_open_a_new_wallet()
    {
        var phone = NewPhone();
        var (wallet, userId) = await OpenWalletAsync(_server, phone);
        var code = await CodeAsync(_server, wallet, phone, "close-account");

        var closed = await wallet.PostAsJsonAsync("/api/wallet/me/close", new { paymentPassword = PaymentPassword, otp = code }, Ct);
        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);

        var user = await UserAsync(_server, userId);
        Assert.Equal(WalletAccounts.StatusClosed, user.Status);
        Assert.Null(user.PhoneIndex);
        Assert.NotNull(user.ClosedAt);
        await AssertProblemAsync(await wallet.GetAsync("/api/wallet/me", Ct), 401, "SIGN_IN_REQUIRED"); // sessions revoked
        await AssertProblemAsync(await LoginAsync(_server, phone), 401, "BAD_CREDENTIALS");
        Assert.Equal("ACCOUNT_CLOSED", await GuardAsync(_server, userId, Zhifu.Server.Lifecycle.Business.CounterIn));

        // The number is free again: a new wallet opens on it, and an operator finds both by the number.
        var (_, newUserId) = await OpenWalletAsync(_server, phone);
        Assert.NotEqual(userId, newUserId);
        using var service = await OperatorAsync(_server, "service");
        var found = await FoundUsersAsync(service, phone: phone);
        Assert.Equal(2, found.GetArrayLength());
        var old = found.EnumerateArray().Single(u => u.GetProperty("userId").GetGuid() == userId);
        Assert.Equal("closed", old.GetProperty("status").GetString());
        Assert.Equal("closed", old.GetProperty("formerNumbers")[0].GetProperty("cause").GetString());
        Assert.Equal(phone[..3] + "****" + phone[^4..], old.GetProperty("formerNumbers")[0].GetProperty("phone").GetString());
        Assert.Equal("ACCOUNT_CLOSED", old.GetProperty("restrictions")[0].GetProperty("restriction").GetProperty("code").GetString());
        Assert.True((await _server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task A_balance_or_money_on_hold_must_be_settled_before_closing()
    {
        // ACC-6: 李四 has a balance: withdraw first.
        var lisi = await SignInAsync(_server, DemoCards.LiSi.Phone, DemoWorld.UserPassword);
        var code = await CodeAsync(_server, lisi, DemoCards.LiSi.Phone, "close-account");
        await lisi.RefusedAsync("/api/wallet/me/close", new { paymentPassword = DemoWorld.UserPaymentPassword, otp = code },
            409, "BALANCE_NOT_ZERO");

        // A fresh wallet with money arriving on hold (credits pending, posted balance still zero) cannot close either.
        var phone = NewPhone();
        var (wallet, userId) = await OpenWalletAsync(_server, phone);
        var user = await UserAsync(_server, userId);
        var hold = await HoldIncomingAsync(user.WalletAccountId, 5_00);
        code = await CodeAsync(_server, wallet, phone, "close-account");
        await wallet.RefusedAsync("/api/wallet/me/close", new { paymentPassword = PaymentPassword, otp = code }, 409, "OPEN_HOLDS");

        // The consumption-only account counts too (CARD-3): void the hold, fund consumption funds, refused again.
        var ledger = _server.Services.GetRequiredService<ILedger>();
        Assert.Equal(TransferResult.Ok, (await ledger.SubmitAsync([new Transfer
        {
            Id = Guid.CreateVersion7(), PendingId = hold, Code = TransferCode.Adjustment, BusinessId = hold, Ledger = Ledgers.Cny,
            Flags = TransferFlags.VoidPending,
        }], Ct))[0]);
        var chart = _server.Services.GetRequiredService<InstitutionChart>();
        var adjustments = _server.Services.GetRequiredService<Adjustments>();
        Assert.Equal(TransferResult.Ok,
            await adjustments.PostAsync(Guid.CreateVersion7(), "test", "consumption funds", chart[InstitutionChart.Custody("ICBC")],
            user.ConsumptionAccountId, 1, "test", Ct));
        await wallet.RefusedAsync("/api/wallet/me/close", new { paymentPassword = PaymentPassword, otp = code }, 409, "BALANCE_NOT_ZERO");
        Assert.Equal(WalletAccounts.StatusActive, (await UserAsync(_server, userId)).Status);
        Assert.True((await _server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task ACC2_ACC6_a_wallet_another_was_merged_into_is_not_closed_while_that_merge_still_has_money_on_hold()
    {
        // The merged wallet had a delayed transfer on its way in: what it gives back moves here later, and a closed wallet could
        // not take it (the money would sit in the merged wallet nobody can reach).
        var phone = NewPhone();
        var (wallet, userId) = await OpenWalletAsync(_server, phone);
        var merge = new Zhifu.Data.Entities.WalletMergeRow
        {
            Id = Guid.CreateVersion7(), FromUserId = Guid.CreateVersion7(), ToUserId = userId, CreatedAt = _server.Clock.UtcNow,
            CompletedAt = _server.Clock.UtcNow,
        };
        await using (var db = _server.Database.Options.CreateContext())
        {
            db.Add(merge);
            await db.SaveChangesAsync(Ct);
        }
        var code = await CodeAsync(_server, wallet, phone, "close-account");
        await wallet.RefusedAsync("/api/wallet/me/close", new { paymentPassword = PaymentPassword, otp = code }, 409, "MERGE_UNSETTLED");
        Assert.Equal(WalletAccounts.StatusActive, (await UserAsync(_server, userId)).Status);

        await using (var db = _server.Database.Options.CreateContext())
        {
            var closedAt = _server.Clock.UtcNow;
            await db.Set<Zhifu.Data.Entities.WalletMergeRow>().Where(m => m.Id == merge.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.LedgerClosedAt, closedAt), Ct); // the merge worker finished it
        }
        Assert.Equal(HttpStatusCode.OK, (await wallet.PostAsJsonAsync("/api/wallet/me/close",
            new { paymentPassword = PaymentPassword, otp = code }, Ct)).StatusCode);
        Assert.Equal(WalletAccounts.StatusClosed, (await UserAsync(_server, userId)).Status);
        Assert.True((await _server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task A_wallet_frozen_by_an_operator_is_not_closed_but_the_holders_own_freeze_does_not_stop_closure()
    {
        var phone = NewPhone();
        var (wallet, userId) = await OpenWalletAsync(_server, phone);
        using var risk = await OperatorAsync(_server, "risk");
        (await risk.PostAsJsonAsync($"/api/ops/accounts/{userId}/freeze", new { reason = "司法冻结 court order" },
            Ct)).EnsureSuccessStatusCode();
        var code = await CodeAsync(_server, wallet, phone, "close-account");
        await wallet.RefusedAsync("/api/wallet/me/close", new { paymentPassword = PaymentPassword, otp = code }, 409, "CLOSURE_BLOCKED");
        (await risk.PostAsJsonAsync($"/api/ops/accounts/{userId}/unfreeze", new { reason = "解除 lifted" }, Ct)).EnsureSuccessStatusCode();

        (await wallet.PostAsync("/api/wallet/me/freeze", null, Ct)).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.OK,
            (await wallet.PostAsJsonAsync("/api/wallet/me/close", new { paymentPassword = PaymentPassword, otp = code }, Ct)).StatusCode);
        Assert.Equal(WalletAccounts.StatusClosed, (await UserAsync(_server, userId)).Status);
    }

    [Fact]
    public async Task Bad_closure_requests_get_a_stable_code_and_write_nothing()
    {
        var phone = NewPhone();
        var (wallet, userId) = await OpenWalletAsync(_server, phone);
        var code = await CodeAsync(_server, wallet, phone, "close-account");
        var before = await WrittenRowsAsync(_server);

        await wallet.RefusedAsync("/api/wallet/me/close", new { }, 400, "CONFIRMATION_REQUIRED");
        await wallet.RefusedAsync("/api/wallet/me/close", new { otp = code }, 400, "CONFIRMATION_REQUIRED");
        await wallet.RefusedAsync("/api/wallet/me/close", Json("{\"paymentPassword\": true, \"otp\": 1}"), 400, "INVALID_REQUEST");
        await wallet.RefusedAsync("/api/wallet/me/close", Json("["), 400, "INVALID_REQUEST");
        await wallet.RefusedAsync("/api/wallet/me/close", Json("{\"otp\":\"" + new string('1', 70_000) + "\"}"), 413, "PAYLOAD_TOO_LARGE");
        await _server.Client().RefusedAsync("/api/wallet/me/close", new { paymentPassword = PaymentPassword, otp = code },
            401, "SIGN_IN_REQUIRED");

        Assert.Equal(before, await WrittenRowsAsync(_server));
        var user = await UserAsync(_server, userId);
        Assert.Equal((WalletAccounts.StatusActive, 0), (user.Status, user.FailedPaymentPasswords));
        Assert.NotNull(user.PhoneIndex);

        // The code was not spent by the bad requests: it still closes the wallet.
        Assert.Equal(HttpStatusCode.OK,
            (await wallet.PostAsJsonAsync("/api/wallet/me/close", new { paymentPassword = PaymentPassword, otp = code }, Ct)).StatusCode);
    }

    [Fact]
    public async Task ACC6_money_arriving_while_the_wallet_closes_is_seen_or_refused_never_left_in_the_closed_wallet()
    {
        var ledger = _server.Services.GetRequiredService<ILedger>();
        var adjustments = _server.Services.GetRequiredService<Adjustments>();
        var custody = _server.Services.GetRequiredService<InstitutionChart>()[InstitutionChart.Custody("ICBC")];
        var closedRounds = 0;
        for (var round = 0; round < 8; round++)
        {
            var phone = NewPhone();
            var (wallet, userId) = await OpenWalletAsync(_server, phone);
            var user = await UserAsync(_server, userId);
            var code = await CodeAsync(_server, wallet, phone, "close-account");
            var closing = wallet.PostAsJsonAsync("/api/wallet/me/close", new { paymentPassword = PaymentPassword, otp = code }, Ct);
            // 1 fen at a time from another path (a transfer or refund already past its own checks), starting at a different
            // moment of the closure each round, until the closure answers.
            var credited = 0L;
            await Task.Delay(round * 3, Ct);
            while (!closing.IsCompleted)
            {
                var result = await adjustments.PostAsync(Guid.CreateVersion7(), "test", "incoming", custody, user.WalletAccountId, 1, "test", Ct);
                if (result == TransferResult.Ok)
                {
                    credited++;
                }
                else
                {
                    Assert.Equal(TransferResult.CreditAccountAlreadyClosed, result);
                }
            }
            var answer = await closing;
            var account = ledger.GetAccount(user.WalletAccountId)!.Value;
            Assert.Equal(credited, account.CreditsPosted);
            if (answer.StatusCode == HttpStatusCode.OK)
            {
                closedRounds++;
                Assert.Equal(0, credited); // nothing landed in the wallet that closed
                Assert.Equal(WalletAccounts.StatusClosed, (await UserAsync(_server, userId)).Status);
                Assert.True(account.Flags.HasFlag(AccountFlags.Closed));
                Assert.Equal(TransferResult.CreditAccountAlreadyClosed,
                    await adjustments.PostAsync(Guid.CreateVersion7(), "test", "late", custody, user.WalletAccountId, 1, "test", Ct));
            }
            else
            {
                await AssertProblemAsync(answer, 409, "BALANCE_NOT_ZERO");
                Assert.Equal(WalletAccounts.StatusActive, (await UserAsync(_server, userId)).Status);
                Assert.False(account.Flags.HasFlag(AccountFlags.Closed)); // the closing hold was voided: it takes money again
            }
        }
        Assert.True((await _server.VerifyAsync()).AllHold);
        TestContext.Current.TestOutputHelper?.WriteLine($"{closedRounds} of 8 rounds closed");
    }

    [Fact]
    public async Task A_closure_interrupted_midway_is_refused_while_under_way_reopens_when_its_hold_lapses_and_finishes_when_posted()
    {
        var ledger = _server.Services.GetRequiredService<ILedger>();
        var phone = NewPhone();
        var (wallet, userId) = await OpenWalletAsync(_server, phone);
        var user = await UserAsync(_server, userId);
        Transfer Closing(Guid id) => new()
        {
            Id = id, Ledger = Ledgers.Cny, Code = LifecycleTransferCodes.AccountClosure, BusinessId = userId,
            DebitAccountId = user.WalletAccountId, CreditAccountId = user.ConsumptionAccountId, TimeoutSeconds = 300,
            Flags = TransferFlags.Pending | TransferFlags.ClosingDebit | TransferFlags.ClosingCredit,
        };

        // A closing hold of a closure that stopped before deciding (a crash): another closure is refused while it stands…
        Assert.Equal(TransferResult.Ok, (await ledger.SubmitAsync([Closing(Guid.CreateVersion7())], Ct))[0]);
        var code = await CodeAsync(_server, wallet, phone, "close-account");
        await wallet.RefusedAsync("/api/wallet/me/close", new { paymentPassword = PaymentPassword, otp = code }, 409, "CLOSURE_IN_PROGRESS");
        // …and once it lapses the wallet is open again: money arrives, and closing waits for the balance to go.
        _server.Clock.Advance(TimeSpan.FromSeconds(301));
        await FundAsync(_server, userId, 1_00);
        Assert.False(ledger.GetAccount(user.WalletAccountId)!.Value.Flags.HasFlag(AccountFlags.Closed));
        code = await CodeAsync(_server, wallet, phone, "close-account");
        await wallet.RefusedAsync("/api/wallet/me/close", new { paymentPassword = PaymentPassword, otp = code }, 409, "BALANCE_NOT_ZERO");

        // A closure that closed the accounts for good (hold marked and posted) but stopped before recording it is finished by
        // the holder's next try, or by the recovery worker; a mark whose hold was voided is forgotten.
        async Task<(HttpClient Wallet, Guid UserId, string Phone)> PostedButNotRecordedAsync()
        {
            var phone = NewPhone();
            var (client, id) = await OpenWalletAsync(_server, phone);
            user = await UserAsync(_server, id);
            var hold = Closing(Guid.CreateVersion7()) with { BusinessId = id };
            Assert.Equal(TransferResult.Ok, (await ledger.SubmitAsync([hold], Ct))[0]);
            await MarkAsync(id, hold.Id);
            Assert.Equal(TransferResult.Ok, (await ledger.SubmitAsync([Resolve(hold, TransferFlags.PostPending)], Ct))[0]);
            Assert.Equal(WalletAccounts.StatusActive, (await UserAsync(_server, id)).Status);
            return (client, id, phone);
        }
        Transfer Resolve(Transfer hold, TransferFlags how) => new()
        {
            Id = Guid.CreateVersion7(), PendingId = hold.Id, Ledger = Ledgers.Cny, Code = LifecycleTransferCodes.AccountClosure,
            BusinessId = hold.BusinessId, Flags = how,
        };
        async Task MarkAsync(Guid id, Guid holdId)
        {
            await using var db = _server.Database.Options.CreateContext();
            await db.Set<UserRow>().Where(u => u.Id == id).ExecuteUpdateAsync(set => set.SetProperty(u => u.ClosingHoldId, holdId), Ct);
        }
        var closure = _server.Services.GetRequiredService<AccountClosure>();

        var (retrying, retryingId, retryingPhone) = await PostedButNotRecordedAsync();
        code = await CodeAsync(_server, retrying, retryingPhone, "close-account");
        Assert.Equal(HttpStatusCode.OK,
            (await retrying.PostAsJsonAsync("/api/wallet/me/close", new { paymentPassword = PaymentPassword, otp = code }, Ct)).StatusCode);
        var retried = await UserAsync(_server, retryingId);
        Assert.Equal((WalletAccounts.StatusClosed, (Guid?)null, (byte[]?)null), (retried.Status, retried.ClosingHoldId, retried.PhoneIndex));

        var (_, leftId, leftPhone) = await PostedButNotRecordedAsync();
        var voidedPhone = NewPhone();
        var (_, voidedId) = await OpenWalletAsync(_server, voidedPhone);
        user = await UserAsync(_server, voidedId);
        var voided = Closing(Guid.CreateVersion7()) with { BusinessId = voidedId };
        Assert.Equal(TransferResult.Ok, (await ledger.SubmitAsync([voided], Ct))[0]);
        await MarkAsync(voidedId, voided.Id);
        Assert.Equal(TransferResult.Ok, (await ledger.SubmitAsync([Resolve(voided, TransferFlags.VoidPending)], Ct))[0]);

        Assert.True(await closure.FinishInterruptedAsync(Ct) >= 1);
        var left = await UserAsync(_server, leftId);
        Assert.Equal((WalletAccounts.StatusClosed, (byte[]?)null), (left.Status, left.PhoneIndex));
        Assert.Contains(await _server.Services.GetRequiredService<SmsOutbox>().ReadAsync(leftPhone, 5, Ct),
            t => t.Body.Contains("已注销", StringComparison.Ordinal));
        var open = await UserAsync(_server, voidedId);
        Assert.Equal((WalletAccounts.StatusActive, (Guid?)null), (open.Status, open.ClosingHoldId));
        Assert.Equal(0, await closure.FinishInterruptedAsync(Ct)); // each finished once: the number released once
        await using (var db = _server.Database.Options.CreateContext())
        {
            Assert.Equal(1, await db.Set<PhoneReleaseRow>().CountAsync(r => r.UserId == leftId, Ct));
        }

        // The carrier detached the number between the ledger's closing and the record: the closure still finishes (its number's
        // release is the carrier's), no text goes to the number's new holder, and it holds up no other closure behind it.
        var (_, detachedId, detachedPhone) = await PostedButNotRecordedAsync();
        Assert.Equal(HttpStatusCode.Accepted, (await CarrierEventAsync(_server, detachedPhone, "transfer", _server.Clock.UtcNow)).StatusCode);
        var texts = (await _server.Services.GetRequiredService<SmsOutbox>().ReadAsync(detachedPhone, 10, Ct)).Count;
        Assert.Equal(1, await closure.FinishInterruptedAsync(Ct));
        Assert.Equal(WalletAccounts.StatusClosed, (await UserAsync(_server, detachedId)).Status);
        Assert.Equal(texts, (await _server.Services.GetRequiredService<SmsOutbox>().ReadAsync(detachedPhone, 10, Ct)).Count);
        Assert.True((await _server.VerifyAsync()).AllHold);
    }

    /// <summary>Money on its way into a wallet, held (e.g. a top-up awaiting the bank), explained by an adjustment record.</summary>
    private async Task<Guid> HoldIncomingAsync(Guid walletAccountId, long amountFen)
    {
        var id = Guid.CreateVersion7();
        var custody = _server.Services.GetRequiredService<InstitutionChart>()[InstitutionChart.Custody("ICBC")];
        await using (var db = _server.Database.Options.CreateContext())
        {
            db.Adjustments.Add(new AdjustmentRow
            {
                Id = id, Kind = "test-hold", Reason = "money on its way", AmountFen = amountFen, DebitAccountId = custody,
                CreditAccountId = walletAccountId, CreatedBy = "test", CreatedAt = _server.Clock.UtcNow,
            });
            await db.SaveChangesAsync(Ct);
        }
        var results = await _server.Services.GetRequiredService<ILedger>().SubmitAsync([new Transfer
        {
            Id = id, DebitAccountId = custody, CreditAccountId = walletAccountId, AmountFen = amountFen, Ledger = Ledgers.Cny,
            Code = TransferCode.Adjustment, BusinessId = id, Flags = TransferFlags.Pending,
        }], Ct);
        Assert.Equal(TransferResult.Ok, results[0]);
        return id;
    }
}
