using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Zhifu.Data.Entities;
using Zhifu.Tests.Infrastructure;
using static Zhifu.Tests.Hosting.OperatorApiTests;
using static Zhifu.Tests.MerchantApi.MerchantKit;

namespace Zhifu.Tests.MerchantApi;

/// <summary>
/// MER-1, MER-5, MER-6: a merchant entered by operations and approved by risk (four eyes), its first admin, its own API key
/// and APIv3 key, and its first signed order; its terms and limits under audit.
/// </summary>
public sealed class MerchantOnboardingTests
{
    private static object Application(string licence = "91440300MA5F00002D") => new
    {
        name = "深圳知付测试便利店", licenceNo = licence, legalPersonName = "钱七", legalPersonIdNumber = "110101198001010053", mcc = "5411",
        riskLevel = "low", feeRatePpm = 3800, settlementBank = "CMB", settlementAccountNo = "755900001234567890",
        settlementAccountName = "深圳知付测试便利店有限公司",
        singlePaymentLimitFen = 100_000,
    };

    [Fact]
    public async Task MER1_an_approval_and_a_rejection_sent_at_once_have_one_winner_and_the_merchant_is_what_the_winner_said()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        using var ops = await OperatorSignIn.AsAsync(server.Client(), "operations");
        using var risk = await OperatorSignIn.AsAsync(server.Client(), "risk");
        var applied = await ops.PostAsJsonAsync("/api/ops/merchants", Application(), Ct);
        var mchId = (await applied.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("mchId").GetString()!;

        var answers = await Task.WhenAll(
            risk.PostAsJsonAsync($"/api/ops/merchants/{mchId}/approve", new { note = "资料齐全" }, Ct),
            risk.PostAsJsonAsync($"/api/ops/merchants/{mchId}/reject", new { note = "资料不全" }, Ct));

        var won = Assert.Single(answers, a => a.StatusCode == System.Net.HttpStatusCode.OK);
        await AssertProblemAsync(Assert.Single(answers, a => a != won), 409, "MERCHANT_NOT_PENDING");
        var said = (await won.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetString();
        await using var db = server.Database.Options.CreateContext();
        var row = await db.Merchants.AsNoTracking().FirstAsync(m => m.MchId == mchId, Ct);
        Assert.Equal(said == "active" ? MerchantRow.Active : MerchantRow.Rejected, row.Status);
        Assert.Equal(said == "active" ? "资料齐全" : "资料不全", row.ReviewNote);

        // two approvals at once: one approves, the other is told it is decided; one set of credentials, not replaced
        var second = await ops.PostAsJsonAsync("/api/ops/merchants", Application("91440300MA5F00003G"), Ct);
        Assert.True(second.IsSuccessStatusCode, await second.Content.ReadAsStringAsync(Ct));
        var secondId = (await second.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("mchId").GetString()!;
        var approvals = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ =>
            risk.PostAsJsonAsync($"/api/ops/merchants/{secondId}/approve", new { note = "资料齐全" }, Ct)));
        Assert.Single(approvals, a => a.StatusCode == System.Net.HttpStatusCode.OK);
        await AssertProblemAsync(Assert.Single(approvals, a => a.StatusCode != System.Net.HttpStatusCode.OK), 409, "MERCHANT_NOT_PENDING");
        Assert.Equal(1, await db.Set<MerchantCredentialRow>().CountAsync(c => c.MchId == secondId, Ct));
    }

    [Fact]
    public async Task A_merchant_is_entered_approved_by_another_operator_and_takes_its_first_signed_order()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        using var ops = await OperatorSignIn.AsAsync(server.Client(), "operations");
        using var risk = await OperatorSignIn.AsAsync(server.Client(), "risk");
        var bad = await AssertProblemAsync(await ops.PostAsJsonAsync("/api/ops/merchants", Application("91440300MA5F00002X"), Ct), 400,
            "MERCHANT_INVALID_FIELD");
        Assert.Equal("licenceNo", bad.GetProperty("field").GetString());
        await AssertProblemAsync(await risk.PostAsJsonAsync("/api/ops/merchants", Application(), Ct), 403, "OPS_ROLE_FORBIDDEN");

        var applied = await ops.PostAsJsonAsync("/api/ops/merchants", Application(), Ct);
        Assert.Equal(201, (int)applied.StatusCode);
        var merchant = await applied.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var mchId = merchant.GetProperty("mchId").GetString()!;
        Assert.Equal("pending", merchant.GetProperty("status").GetString());
        Assert.Equal("钱*", merchant.GetProperty("legalPersonName").GetString()); // ACC-8: masked wherever shown
        Assert.DoesNotContain("1234567890", merchant.GetProperty("settlementAccount").GetString(), StringComparison.Ordinal);
        await AssertProblemAsync(await ops.PostAsJsonAsync($"/api/ops/merchants/{mchId}/approve", new { note = "ok" }, Ct), 403,
            "OPS_ROLE_FORBIDDEN");
        var approved = await risk.PostAsJsonAsync($"/api/ops/merchants/{mchId}/approve", new { note = "资料齐全" }, Ct);
        Assert.Equal("active", (await approved.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetString());
        await AssertProblemAsync(await risk.PostAsJsonAsync($"/api/ops/merchants/{mchId}/reject", new { note = "晚了" }, Ct), 409,
            "MERCHANT_NOT_PENDING");

        // MER-5: operations gives it a first admin, whose initial password must be changed before anything else
        await AssertProblemAsync(await ops.PostAsJsonAsync($"/api/ops/merchants/{mchId}/staff",
            new { username = "shop-till", role = "cashier" }, Ct), 400, "INVALID_ROLE"); // other staff are the admin's to add
        var created = await (await ops.PostAsJsonAsync($"/api/ops/merchants/{mchId}/staff",
            new { username = "shop-boss", role = "admin" }, Ct))
            .Content.ReadFromJsonAsync<JsonElement>(Ct);
        // …and no second one: an operator cannot mint admins (with their passwords) at a live merchant
        await AssertProblemAsync(await ops.PostAsJsonAsync($"/api/ops/merchants/{mchId}/staff",
            new { username = "op-admin", role = "admin" }, Ct), 409, "MERCHANT_HAS_ADMIN");
        using var boss = server.Client();
        Assert.Equal(200, (int)(await MerchantStaffSignIn.LoginAsync(boss, "shop-boss", created.GetProperty("initialPassword").GetString()!, Ct))
            .StatusCode);
        await AssertProblemAsync(await boss.GetAsync("/api/merchant/credentials", Ct), 403, "MERCHANT_ROLE_FORBIDDEN");
        Assert.Equal(200, (int)(await boss.PostAsJsonAsync("/api/merchant/auth/password",
            new { currentPassword = created.GetProperty("initialPassword").GetString(), newPassword = "ShopBoss2026" }, Ct)).StatusCode);

        // MER-6: its API key and APIv3 key, then a signed order through the v3 API
        using var key = RSA.Create(2048);
        var serial = Convert.ToHexString(RandomNumberGenerator.GetBytes(20));
        Assert.Equal(200, (int)(await boss.PostAsJsonAsync("/api/merchant/credentials/api-keys",
            new { serial, publicKeyPem = key.ExportSubjectPublicKeyInfoPem() }, Ct)).StatusCode);
        var apiV3Key = (await (await boss.PostAsync("/api/merchant/credentials/apiv3-key", null, Ct))
            .Content.ReadFromJsonAsync<JsonElement>(Ct))
            .GetProperty("apiV3Key").GetString()!;
        var credentials = await boss.GetFromJsonAsync<JsonElement>("/api/merchant/credentials", Ct);
        var platform = credentials.GetProperty("platformKeys")[0];
        using var platformKey = RSA.Create();
        platformKey.ImportFromPem(platform.GetProperty("publicKeyPem").GetString());
        var signer = new MerchantSigner(server.BaseAddress, mchId, serial, key, platformKey, platform.GetProperty("keyId").GetString()!,
            Encoding.ASCII.GetBytes(apiV3Key));
        var order = await signer.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native",
            NativeOrder(mchId, "SHOP-0001", 100_000, "http://127.0.0.1:9/n"));
        Assert.Equal(200, (int)order.Response.StatusCode);
        AssertV3Error(await signer.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native",
            NativeOrder(mchId, "SHOP-0002", 100_001, "http://127.0.0.1:9/n")),
            403, "RULE_LIMIT"); // its own single payment limit of ¥1,000

        // MER-6 key rotation: add the new API key, switch, revoke the old — the old serial is refused at once. The private key
        // (apiclient_key.pem) pasted instead of the public one, or a key over 4096 bits, is refused and nothing is stored.
        using var newKey = RSA.Create(2048);
        var newSerial = Convert.ToHexString(RandomNumberGenerator.GetBytes(20));
        using var huge = RSA.Create(8192);
        foreach (var wrong in new[] { newKey.ExportPkcs8PrivateKeyPem(), newKey.ExportRSAPrivateKeyPem(), huge.ExportSubjectPublicKeyInfoPem() })
        {
            await AssertProblemAsync(await boss.PostAsJsonAsync("/api/merchant/credentials/api-keys",
                new { serial = newSerial, publicKeyPem = wrong }, Ct), 400, "INVALID_PUBLIC_KEY");
        }
        Assert.Equal(1, (await boss.GetFromJsonAsync<JsonElement>("/api/merchant/credentials", Ct)).GetProperty("apiKeys").GetArrayLength());
        // the new key sent twice at once (a double click): one registered, the other told the serial is taken — not a 500
        var added = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => boss.PostAsJsonAsync("/api/merchant/credentials/api-keys",
            new { serial = newSerial, publicKeyPem = newKey.ExportSubjectPublicKeyInfoPem() }, Ct)));
        Assert.Single(added, a => (int)a.StatusCode == 200);
        await AssertProblemAsync(Assert.Single(added, a => (int)a.StatusCode != 200), 409, "API_KEY_SERIAL_USED");
        var rotated = signer.With(serial: newSerial, privateKey: newKey);
        Assert.Equal(200, (int)(await rotated.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native",
            NativeOrder(mchId, "SHOP-0003", 500, "http://127.0.0.1:9/n"))).Response.StatusCode);
        Assert.Equal(200, (int)(await boss.DeleteAsync($"/api/merchant/credentials/api-keys/{serial}", Ct)).StatusCode);
        AssertV3Error(await signer.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native",
            NativeOrder(mchId, "SHOP-0004", 500, "http://127.0.0.1:9/n")), 401, "SIGN_ERROR");
        Assert.Equal(200, (int)(await rotated.SendAsync(HttpMethod.Get, $"/v3/pay/transactions/out-trade-no/SHOP-0003?mchid={mchId}"))
            .Response.StatusCode);
        // its last two live keys revoked at once: one is, the other is refused as the last — never none left
        using var thirdKey = RSA.Create(2048);
        var thirdSerial = Convert.ToHexString(RandomNumberGenerator.GetBytes(20));
        // a serial is hex, one whichever case: registered in lower case, the SDK's upper case finds it
        Assert.Equal(200, (int)(await boss.PostAsJsonAsync("/api/merchant/credentials/api-keys",
            new { serial = thirdSerial.ToLowerInvariant(), publicKeyPem = thirdKey.ExportSubjectPublicKeyInfoPem() }, Ct)).StatusCode);
        Assert.Equal(200, (int)(await signer.With(serial: thirdSerial, privateKey: thirdKey).SendAsync(HttpMethod.Get,
            $"/v3/pay/transactions/out-trade-no/SHOP-0003?mchid={mchId}")).Response.StatusCode);
        var revoked = await Task.WhenAll(new[] { newSerial, thirdSerial }.Select(s => boss.DeleteAsync($"/api/merchant/credentials/api-keys/{s}", Ct)));
        Assert.Single(revoked, r => (int)r.StatusCode == 200);
        await AssertProblemAsync(Assert.Single(revoked, r => (int)r.StatusCode != 200), 409, "API_KEY_LAST");
        var live = (await boss.GetFromJsonAsync<JsonElement>("/api/merchant/credentials", Ct)).GetProperty("apiKeys").EnumerateArray()
            .Count(k => k.GetProperty("revokedAt").ValueKind == JsonValueKind.Null);
        Assert.Equal(1, live);

        // terms: high risk takes passwordless and face-pay eligibility away whatever is asked (PWL-3)
        var terms = await risk.PutAsJsonAsync($"/api/ops/merchants/{mchId}/terms",
            new { riskLevel = "high", passwordlessEligible = true, facePayEligible = true }, Ct);
        var after = await terms.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.False(after.GetProperty("passwordlessEligible").GetBoolean());
        Assert.False(after.GetProperty("facePayEligible").GetBoolean());

        await using var db = server.Database.Options.CreateContext();
        var actions = await db.Set<AuditRow>().Select(a => a.Action).ToListAsync(Ct);
        Assert.Subset(actions.ToHashSet(), new HashSet<string> { "merchant.apply", "merchant.approve", "merchant.staff.create",
            "merchant.api-key.add", "merchant.apiv3-key.reset", "merchant.terms" });
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task Staff_roles_are_enforced_and_a_disabled_member_is_signed_out_at_once()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        using var admin = await RefundReviewTests.StaffAsync(server, "cafe-admin");
        using var cashier = await RefundReviewTests.StaffAsync(server, "cafe-cashier");
        await AssertProblemAsync(await cashier.GetAsync("/api/merchant/staff", Ct), 403, "MERCHANT_ROLE_FORBIDDEN");
        await AssertProblemAsync(await cashier.PostAsync("/api/merchant/credentials/apiv3-key", null, Ct), 403, "MERCHANT_ROLE_FORBIDDEN");
        await AssertProblemAsync(await admin.PostAsJsonAsync("/api/merchant/staff", new { username = "Bad Name", role = "admin" }, Ct),
            400, "INVALID_USERNAME");
        await AssertProblemAsync(await admin.PostAsJsonAsync("/api/merchant/staff",
            new { username = "cafe-cashier", role = "cashier" }, Ct), 409, "STAFF_USERNAME_TAKEN");
        await AssertProblemAsync(await admin.PutAsJsonAsync("/api/merchant/staff/cafe-admin", new { role = "cashier" }, Ct), 409,
            "STAFF_LAST_ADMIN");
        await AssertProblemAsync(await admin.PutAsJsonAsync("/api/merchant/staff/cafe-admin", new { disable = true }, Ct), 409,
            "STAFF_SELF");

        Assert.Equal(200, (int)(await cashier.GetAsync("/api/merchant/refunds", Ct)).StatusCode);
        Assert.Equal(200, (int)(await admin.PutAsJsonAsync("/api/merchant/staff/cafe-cashier", new { disable = true }, Ct)).StatusCode);
        await AssertProblemAsync(await cashier.GetAsync("/api/merchant/refunds", Ct), 401, "MERCHANT_SIGN_IN_REQUIRED");
        await AssertProblemAsync(await MerchantStaffSignIn.LoginAsync(server.Client(), "cafe-cashier", "Shop@2026", Ct), 403,
            "MERCHANT_STAFF_DISABLED"); // the right password: told why, and whom to ask
        await AssertProblemAsync(await MerchantStaffSignIn.LoginAsync(server.Client(), "cafe-cashier", "Wrong@2026", Ct), 401,
            "MERCHANT_BAD_CREDENTIALS"); // a wrong one learns nothing
        // enabled again, the account signs in afresh: the session it had (a stolen cookie, say) stays ended
        Assert.Equal(200, (int)(await admin.PutAsJsonAsync("/api/merchant/staff/cafe-cashier", new { disable = false }, Ct)).StatusCode);
        await AssertProblemAsync(await cashier.GetAsync("/api/merchant/refunds", Ct), 401, "MERCHANT_SIGN_IN_REQUIRED");
        using (var again = await RefundReviewTests.StaffAsync(server, "cafe-cashier"))
        {
            Assert.Equal(200, (int)(await again.GetAsync("/api/merchant/refunds", Ct)).StatusCode);
            Assert.Equal(200, (int)(await admin.PutAsJsonAsync("/api/merchant/staff/cafe-cashier", new { role = "finance" }, Ct)).StatusCode);
            Assert.Equal(200, (int)(await admin.PutAsJsonAsync("/api/merchant/staff/cafe-cashier", new { role = "cashier" }, Ct)).StatusCode);
            await AssertProblemAsync(await again.GetAsync("/api/merchant/refunds", Ct), 401, "MERCHANT_SIGN_IN_REQUIRED"); // a role change too
        }
        // the last live API key cannot be revoked
        var credentials = await admin.GetFromJsonAsync<JsonElement>("/api/merchant/credentials", Ct);
        var serial = credentials.GetProperty("apiKeys")[0].GetProperty("serial").GetString();
        await AssertProblemAsync(await admin.DeleteAsync($"/api/merchant/credentials/api-keys/{serial}", Ct), 409, "API_KEY_LAST");
    }

    [Fact]
    public async Task MER1_a_suspended_merchant_takes_no_new_payment_while_queries_and_refunds_go_on_until_it_is_resumed()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        using var wallet = await WalletAsync(server.BaseAddress, "13800138001");
        var paidOrder = await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native",
            NativeOrder(merchant.MchId, "SUSPEND-PAID", 3_000, "http://127.0.0.1:9/n"));
        Assert.Equal(200, (int)(await wallet.PostAsJsonAsync($"/api/wallet/payments/{CodeOf(paidOrder.Body)}/pay",
            new { paymentPassword = PaymentPassword }, Ct)).StatusCode);
        var openBody = NativeOrder(merchant.MchId, "SUSPEND-OPEN", 2_000, "http://127.0.0.1:9/n");
        var open = await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native", openBody);
        Assert.Equal(200, (int)open.Response.StatusCode);

        using var risk = await OperatorSignIn.AsAsync(server.Client(), "risk");
        using var service = await OperatorSignIn.AsAsync(server.Client(), "service");
        var suspend = $"/api/ops/merchants/{merchant.MchId}/suspend";
        await AssertProblemAsync(await service.PostAsJsonAsync(suspend, new { reason = "投诉集中" }, Ct), 403, "OPS_ROLE_FORBIDDEN");
        await AssertProblemAsync(await risk.PostAsJsonAsync(suspend, new { reason = " " }, Ct), 400, "REASON_REQUIRED");
        await AssertProblemAsync(await risk.PostAsJsonAsync($"/api/ops/merchants/1239999999/suspend", new { reason = "x" }, Ct), 404,
            "MERCHANT_NOT_FOUND");
        var suspended = await risk.PostAsJsonAsync(suspend, new { reason = "交易异常，涉嫌套现，暂停交易待核查" }, Ct);
        Assert.Equal("suspended", (await suspended.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetString());
        await AssertProblemAsync(await risk.PostAsJsonAsync(suspend, new { reason = "again" }, Ct), 409, "MERCHANT_NOT_ACTIVE");

        // no new payment: no new order (a repeat of one made before answers as it did), no paying of an open one
        AssertV3Error(await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native",
            NativeOrder(merchant.MchId, "SUSPEND-NEW", 1_000, "http://127.0.0.1:9/n")), 403, "NO_AUTH");
        var repeat = await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native", openBody);
        Assert.Equal((200, open.Body), ((int)repeat.Response.StatusCode, repeat.Body));
        Assert.False((await wallet.GetFromJsonAsync<JsonElement>($"/api/wallet/payments/{CodeOf(open.Body)}", Ct))
            .GetProperty("payable").GetBoolean()); // the payer is told before typing the password
        var balance = await NativePaymentFlowTests.BalanceAsync(server, "13800138001");
        var refused = await wallet.PostAsJsonAsync($"/api/wallet/payments/{CodeOf(open.Body)}/pay", new { paymentPassword = PaymentPassword }, Ct);
        Assert.Equal(409, (int)refused.StatusCode);
        Assert.Equal("PAYMENT_MERCHANT_UNAVAILABLE", (await refused.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString());
        Assert.Equal(balance, await NativePaymentFlowTests.BalanceAsync(server, "13800138001"));

        // its terms still change (eligibility taken away before it resumes)
        Assert.Equal(200, (int)(await risk.PutAsJsonAsync($"/api/ops/merchants/{merchant.MchId}/terms", new { riskLevel = "medium" }, Ct))
            .StatusCode);

        // its staff still sign in to the console (refunds and their review, orders, bills), which starts no payment
        using (var cafe = server.Client())
        {
            Assert.Equal(200, (int)(await MerchantStaffSignIn.LoginAsync(cafe, "cafe-finance", "Shop@2026", Ct)).StatusCode);
            Assert.Equal(200, (int)(await cafe.GetAsync("/api/merchant/auth/me", Ct)).StatusCode);
        }

        // what it owes its payers goes on: the paid order is queried and refunded
        var query = await merchant.SendAsync(HttpMethod.Get, $"/v3/pay/transactions/out-trade-no/SUSPEND-PAID?mchid={merchant.MchId}");
        Assert.Equal("SUCCESS", JsonDocument.Parse(query.Body).RootElement.GetProperty("trade_state").GetString());
        var refund = await merchant.SendAsync(HttpMethod.Post, "/v3/refund/domestic/refunds",
            RefundFlowTests.Refund(outTradeNo: "SUSPEND-PAID", outRefundNo: "SUSPEND-R-1", refundFen: 1_000, totalFen: 3_000));
        Assert.Equal(200, (int)refund.Response.StatusCode);
        Assert.Equal(balance + 1_000, await NativePaymentFlowTests.BalanceAsync(server, "13800138001"));

        var resume = $"/api/ops/merchants/{merchant.MchId}/resume";
        var resumed = await risk.PostAsJsonAsync(resume, new { reason = "核查完毕，恢复交易" }, Ct);
        Assert.Equal("active", (await resumed.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetString());
        await AssertProblemAsync(await risk.PostAsJsonAsync(resume, new { reason = "again" }, Ct), 409, "MERCHANT_NOT_SUSPENDED");
        Assert.True((await wallet.GetFromJsonAsync<JsonElement>($"/api/wallet/payments/{CodeOf(open.Body)}", Ct))
            .GetProperty("payable").GetBoolean());
        Assert.Equal(200, (int)(await wallet.PostAsJsonAsync($"/api/wallet/payments/{CodeOf(open.Body)}/pay",
            new { paymentPassword = PaymentPassword }, Ct)).StatusCode);

        await using (var db = server.Database.Options.CreateContext())
        {
            var audit = await db.Set<AuditRow>().AsNoTracking()
                .Where(a => a.Target == merchant.MchId && (a.Action == "merchant.suspend" || a.Action == "merchant.resume"))
                .OrderBy(a => a.Sequence).Select(a => a.Action + " " + a.Details).ToListAsync(Ct);
            Assert.Equal(["merchant.suspend 交易异常，涉嫌套现，暂停交易待核查", "merchant.resume 核查完毕，恢复交易"], audit);
        }
        Assert.True((await server.VerifyAsync()).AllHold);
    }
}
