using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;
using Zhifu.Server.Hosting;
using Zhifu.Server.Lifecycle;
using Zhifu.Server.MerchantApi;
using Zhifu.Server.Merchants;
using Zhifu.Server.Payments;
using Zhifu.Server.Security;

namespace Zhifu.Server.Passwordless;

/// <summary>
/// 免密支付 over the three APIs. Merchant API (WeChat Pay v3 委托代扣, 直连商户): 代扣预签约, 通过商户协议号查询/解除签约协议,
/// 受理扣款 — paths and fields as the protocol's. Wallet API: the offer, signing, one-call list of every agreement and
/// passwordless payment, cancel one or all, dispute. Operator API: agreements search, disputes, the loss and dispute report.
/// </summary>
public static class PasswordlessEndpoints
{
    public sealed record AgreementDto(string ContractId, string Kind, string? Merchant, string? DisplayAccount, string State,
        long PerPaymentLimitFen, long DailyLimitFen, string PerPaymentLimit, string DailyLimit, bool Elderly, string TextVersion,
        string? SignedAt, string? SignedVia, string? TerminatedAt, string? TerminationMode);

    public sealed record PaymentDto(string TransactionId, string Merchant, string Description, long AmountFen, string Amount, string PaidAt,
        bool Disputed);

    public sealed record OverviewDto(IReadOnlyList<AgreementDto> Agreements, IReadOnlyList<PaymentDto> Payments);

    public sealed record CancelRequest(string? ContractId);

    public sealed record DisputeRequest(string? Reason);

    public sealed record DecideRequest(bool Upheld, long LossFen, string? Note);

    public static void MapV3(RouteGroupBuilder v3)
    {
        v3.MapPost("/papay/sign/contracts/pre-entrust-sign", PreSignAsync);
        v3.MapGet("/papay/sign/contracts/plan-id/{plan_id}/out-contract-code/{out_contract_code}",
            async (string plan_id, string out_contract_code, HttpContext h, PasswordlessAgreements agreements) =>
            {
                if (!long.TryParse(plan_id, out var plan))
                {
                    return V3Error.ParamError("plan_id 须为整数", "plan_id must be an integer").ToResult();
                }
                var row = await agreements.FindAsync(V3Protocol.Merchant(h), plan, out_contract_code, h.RequestAborted);
                return row is null ? PasswordlessV3Errors.ContractNotExist.ToResult() : V3Protocol.Json(agreements.View(row));
            });
        v3.MapPost("/papay/sign/contracts/plan-id/{plan_id}/out-contract-code/{out_contract_code}/terminate", TerminateAsync);
        v3.MapPost("/papay/pay/transactions/apply", ApplyAsync);
    }

    private static async Task<IResult> PreSignAsync(HttpContext context, PasswordlessAgreements agreements)
    {
        var (document, invalid) = V3Json.ParseObject(V3Protocol.Body(context));
        if (invalid is not null)
        {
            return invalid.ToResult();
        }
        using (document)
        {
            var root = document!.RootElement;
            var error = new[]
            {
                V3Json.Text(root, "sign_scene", 32, true, out var scene), V3Json.Text(root, "appid", 32, true, out var appId),
                V3Json.Text(root, "openid", 128, false, out var openId),
                V3Json.Text(root, "out_contract_code", 32, true, out var code),
                V3Json.Text(root, "contract_display_account", 32, true, out var display),
                V3Json.Text(root, "contract_notify_url", 256, true, out var notify),
                V3Json.Text(root, "out_user_code", 64, true, out var userCode),
            }.FirstOrDefault(e => e is not null);
            error ??= scene is "SIGN_SCENE_APP" or "SIGN_SCENE_QRCODE" ? null
                : V3Error.ParamError("sign_scene 须为 SIGN_SCENE_APP 或 SIGN_SCENE_QRCODE", "sign_scene must be SIGN_SCENE_APP or SIGN_SCENE_QRCODE");
            var planError = PlanId(root, out var planId);
            error ??= planError ?? V3Json.MerchantNumber("out_contract_code", code!, 1, 32, "") ?? V3Json.NotifyUrl(notify)
                ?? (root.TryGetProperty("device_info", out var device) && device.ValueKind == JsonValueKind.Object ? null
                    : V3Error.ParamError("缺少 device_info", "device_info is required"));
            if (error is not null)
            {
                return error.ToResult();
            }
            var (row, refusal) = await agreements.PreSignAsync(V3Protocol.Merchant(context),
                new PreSignRequest(scene!, appId!, openId, planId, code!, display!, notify!, userCode), context.RequestAborted);
            return refusal?.ToResult() ?? V3Protocol.Json(new JsonObject { ["pre_entrustweb_id"] = row!.PreSignId });
        }
    }

    private static V3Error? PlanId(JsonElement root, out long planId)
    {
        planId = 0;
        return root.TryGetProperty("plan_id", out var plan) && plan.ValueKind == JsonValueKind.Number && plan.TryGetInt64(out planId)
            && planId > 0 ? null : V3Error.ParamError("plan_id 须为正整数", "plan_id must be a positive integer");
    }

    private static async Task<IResult> TerminateAsync(string plan_id, string out_contract_code, HttpContext context,
        PasswordlessAgreements agreements)
    {
        var (document, invalid) = V3Json.ParseObject(V3Protocol.Body(context));
        if (invalid is not null)
        {
            return invalid.ToResult();
        }
        using (document)
        {
            if (V3Json.Text(document!.RootElement, "contract_termination_remark", 128, true, out var remark) is { } bad)
            {
                return bad.ToResult();
            }
            if (!long.TryParse(plan_id, out var plan))
            {
                return V3Error.ParamError("plan_id 须为整数", "plan_id must be an integer").ToResult();
            }
            var row = await agreements.TerminateByMerchantAsync(V3Protocol.Merchant(context), plan, out_contract_code, remark!,
                context.RequestAborted);
            return row is null ? PasswordlessV3Errors.ContractNotExist.ToResult() : V3Protocol.Json(agreements.View(row));
        }
    }

    /// <summary>受理扣款: the answer says it was accepted; the outcome comes by TRANSACTION.SUCCESS or the order query
    /// (USERPAYING while the user is asked to confirm, PAYERROR when refused).</summary>
    private static async Task<IResult> ApplyAsync(HttpContext context, PasswordlessCharges charges)
    {
        var (document, invalid) = V3Json.ParseObject(V3Protocol.Body(context));
        if (invalid is not null)
        {
            return invalid.ToResult();
        }
        using (document)
        {
            var root = document!.RootElement;
            var merchant = V3Protocol.Merchant(context);
            var error = new[]
            {
                V3Json.Text(root, "appid", 32, true, out var appId), V3Json.Text(root, "out_trade_no", 32, true, out var outTradeNo),
                V3Json.Text(root, "description", 127, true, out var description),
                V3Json.Text(root, "transaction_notify_url", 256, true, out var notify),
                V3Json.Text(root, "contract_id", 32, true, out var contractId), V3Json.Text(root, "attach", 128, false, out var attach),
                V3Json.Text(root, "goods_tag", 32, false, out _),
            }.FirstOrDefault(e => e is not null);
            error ??= V3Json.MerchantNumber("out_trade_no", outTradeNo!, 6, 32, "_-*") ?? V3Json.NotifyUrl(notify);
            long total = 0;
            if (error is null)
            {
                error = root.TryGetProperty("amount", out var amount) && amount.ValueKind == JsonValueKind.Object
                    ? V3Json.Fen(amount, "amount", "total", out total) ?? V3Json.Currency(amount, "amount", false)
                    : V3Error.ParamError("缺少 amount", "amount is required");
            }
            if (error is not null)
            {
                return error.ToResult();
            }
            var request = new OrderRequest(OrderRequest.EntrustedDebit, appId!, merchant.Merchant.MchId, description!, outTradeNo!, null,
                attach, notify, total, "CNY", ContractId: contractId);
            var (order, refusal) = await charges.ApplyAsync(merchant, request, context.RequestAborted);
            return refusal?.ToResult() ?? V3Protocol.Json(new JsonObject
            {
                ["out_trade_no"] = order!.OutTradeNo, ["amount"] = new JsonObject { ["total"] = order.TotalFen, ["currency"] = order.Currency },
            });
        }
    }

    public static void MapWallet(WebApplication app)
    {
        var group = app.MapGroup("/api/wallet/passwordless").WithTags("Wallet: passwordless payment").RequireAuthorization(WalletSessions.Scheme);
        // PWL-5: one call lists every agreement and every passwordless payment
        group.MapGet("", async (ClaimsPrincipal user, PasswordlessQueries queries, HttpContext h) =>
            Results.Ok(await queries.OverviewAsync(user.UserId(), h.RequestAborted)));
        group.MapGet("/offer", async (string? preSignId, ClaimsPrincipal user, PasswordlessAgreements agreements, HttpContext h) =>
        {
            var (offer, error) = await agreements.OfferAsync(user.UserId(), preSignId, h.RequestAborted);
            return error?.ToResult(h) ?? Results.Ok(offer);
        });
        group.MapPost("/sign", async (SignRequest request, ClaimsPrincipal user, PasswordlessAgreements agreements,
            PasswordlessQueries queries, HttpContext h) =>
        {
            var (row, error) = await agreements.SignAsync(user.UserId(), request, "wallet-api", h.RequestAborted);
            return error?.ToResult(h) ?? Results.Ok(await queries.DtoAsync(row!, h.RequestAborted));
        });
        group.MapPost("/cancel", async (CancelRequest? request, ClaimsPrincipal user, PasswordlessAgreements agreements, HttpContext h) =>
        {
            if (request?.ContractId is not { Length: > 0 and <= 32 })
            {
                return ApiProblem.Create(h, 400, "PASSWORDLESS_CONTRACT_REQUIRED", "请指定要关闭的协议", "Name the agreement to close",
                    "contractId");
            }
            var closed = await agreements.CancelAsync(user.UserId(), request.ContractId, h.RequestAborted);
            return closed == 0 ? PasswordlessErrors.NotFound.ToResult(h) : Results.Ok(new { closed });
        });
        group.MapPost("/cancel-all", async (ClaimsPrincipal user, PasswordlessAgreements agreements, HttpContext h) =>
            Results.Ok(new { closed = await agreements.CancelAsync(user.UserId(), null, h.RequestAborted) }));
        group.MapPost("/payments/{transactionId}/dispute", async (string transactionId, DisputeRequest? request, ClaimsPrincipal user,
            PasswordlessOversight oversight, HttpContext h) =>
        {
            var (dispute, error) = await oversight.DisputeAsync(user.UserId(), transactionId, request?.Reason, h.RequestAborted);
            return error?.ToResult(h) ?? Results.Ok(new { dispute!.TransactionId, dispute.State, deadline = ChinaTime.Format(dispute.DeadlineAt) });
        });
    }

    /// <summary>Who may read what of passwordless in the Operator API and the operator console (one list for both).</summary>
    public static class OperatorRoles
    {
        public const string Agreements = "risk,operations,service,finance,audit";
        public const string Report = "risk,operations,finance,audit";
        public const string Disputes = "risk,service,audit";
        public const string Decide = "risk,service";

        public static bool Has(string roles, string? role) => role is not null && roles.Split(',').Contains(role);
    }

    /// <summary>The operator's agreement search, posted so a phone never goes into an address (ACC-8).</summary>
    public sealed record AgreementSearchRequest(string? Phone, string? MchId, string? State, int? Limit, int? Page);

    private static async Task<IResult> SearchAgreementsAsync(string? phone, string? mchid, string? state, int? limit, int? page,
        ClaimsPrincipal user, PasswordlessQueries queries, HttpContext h)
    {
        if (Paging(h, limit, page, 50, out var skip, out var take) is { } bad)
        {
            return bad;
        }
        if (state is not null && !PasswordlessQueries.SearchStates.Contains(state))
        {
            return ApiProblem.Create(h, 400, "INVALID_STATE", "state 须为 SIGNED 或 TERMINATED", "state must be SIGNED or TERMINATED",
                "state");
        }
        var search = new AgreementSearch(Blank(phone), Blank(mchid), state, skip, take);
        var found = await queries.SearchAsync(search, OperatorActor.Of(user), h.RequestAborted);
        h.Response.Headers["X-Total-Count"] = found.Total.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Results.Ok(found.Rows);
    }

    public static void MapOperator(WebApplication app)
    {
        var group = app.MapGroup("/api/ops/passwordless").WithTags("Operator: passwordless payment");
        var agreementRoles = OperatorLifecycleEndpoints.Roles(OperatorRoles.Agreements.Split(','));
        group.MapGet("/agreements", (string? mchid, string? state, int? limit, int? page, ClaimsPrincipal user, PasswordlessQueries queries,
            HttpContext h) => h.Request.Query.ContainsKey("phone")
                // ACC-8: a phone in a URL stays in browser history and access logs — and ignoring it would answer everyone's
                ? Task.FromResult(ApiProblem.Create(h, 400, "PHONE_NOT_IN_URL", "按手机号查询请用 POST /api/ops/passwordless/agreements/search",
                    "Search by phone with POST /api/ops/passwordless/agreements/search", "phone"))
                : SearchAgreementsAsync(null, mchid, state, limit, page, user, queries, h))
            .RequireAuthorization(agreementRoles);
        group.MapPost("/agreements/search", (AgreementSearchRequest? request, ClaimsPrincipal user, PasswordlessQueries queries, HttpContext h) =>
            SearchAgreementsAsync(request?.Phone, request?.MchId, request?.State, request?.Limit, request?.Page, user, queries, h))
            .RequireAuthorization(agreementRoles);
        group.MapGet("/report", async (string? format, PasswordlessOversight oversight, HttpContext h) =>
        {
            var report = await oversight.ReportAsync(h.RequestAborted);
            return format == "csv" ? await PasswordlessReportFile.CsvResultAsync(report, h.RequestAborted) : Results.Ok(report);
        }).RequireAuthorization(OperatorLifecycleEndpoints.Roles(OperatorRoles.Report.Split(',')));
        group.MapGet("/disputes", async (string? state, int? limit, int? page, PasswordlessOversight oversight, HttpContext h) =>
        {
            if (Paging(h, limit, page, PasswordlessOversight.DisputePageMax, out var skip, out var take) is { } bad)
            {
                return bad;
            }
            var (rows, total) = await oversight.DisputesAsync(state, skip, take, h.RequestAborted);
            h.Response.Headers["X-Total-Count"] = total.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.Ok(rows);
        }).RequireAuthorization(OperatorLifecycleEndpoints.Roles(OperatorRoles.Disputes.Split(',')));
        group.MapPost("/disputes/{id:guid}/decide", async (Guid id, DecideRequest request, ClaimsPrincipal user,
            PasswordlessOversight oversight, HttpContext h) =>
            await oversight.DecideAsync(id, request.Upheld, request.LossFen, request.Note, OperatorActor.Of(user), h.RequestAborted)
                is { } refused
                ? ApiProblem.Create(h, refused.Status, refused.Code, refused.Zh, refused.En, PasswordlessErrors.FieldOf(refused))
                : Results.NoContent()).RequireAuthorization(OperatorLifecycleEndpoints.Roles(OperatorRoles.Decide.Split(',')));
    }

    /// <summary>
    /// The merchant console API (admin and finance, MER-3): the merchant's own passwordless contracts and the orders charged
    /// under them, a page at a time — the queries the console's page shows.
    /// </summary>
    public static void MapMerchantConsole(WebApplication app)
    {
        var group = app.MapGroup("/api/merchant/passwordless").WithTags("Merchant console: passwordless payment")
            .RequireAuthorization(MerchantStaffAuth.Finance);
        group.MapGet("/contracts", async (int? limit, int? page, ClaimsPrincipal user, PasswordlessQueries queries, HttpContext h) =>
            await MerchantPageAsync(h, limit, page,
                (skip, take) => queries.MerchantContractsAsync(user.MchId(), skip, take, h.RequestAborted)));
        group.MapGet("/orders", async (int? limit, int? page, ClaimsPrincipal user, PasswordlessQueries queries, HttpContext h) =>
            await MerchantPageAsync(h, limit, page,
                (skip, take) => queries.MerchantOrdersAsync(user.MchId(), skip, take, h.RequestAborted)));
    }

    private static async Task<IResult> MerchantPageAsync<T>(HttpContext h, int? limit, int? page,
        Func<int, int, Task<(IReadOnlyList<T> Rows, int Total)>> read)
    {
        if (Paging(h, limit, page, 20, out var skip, out var take) is { } bad)
        {
            return bad;
        }
        var (rows, total) = await read(skip, take);
        return Results.Ok(new { total, rows });
    }

    /// <summary>A page of a list: <c>limit</c> 1–100 (default <paramref name="defaultTake"/>), <c>page</c> from 1, at most
    /// <see cref="PasswordlessQueries.SearchSkipMax"/> rows skipped; the refusal when they are out of range.</summary>
    private static IResult? Paging(HttpContext h, int? limit, int? page, int defaultTake, out int skip, out int take)
    {
        take = limit ?? defaultTake;
        var skipped = ((long)Math.Max(page ?? 1, 1) - 1) * take; // a huge page must not wrap round to a small or negative skip
        skip = (int)Math.Clamp(skipped, 0, int.MaxValue);
        return ApiProblem.PageLimit(h, limit, PasswordlessQueries.SearchPageMax)
            ?? (page < 1 || skipped > PasswordlessQueries.SearchSkipMax
                ? ApiProblem.Create(h, 400, "INVALID_PAGE", "page 超出范围，请缩小查询条件", "page is out of range; narrow the search", "page")
                : null);
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
