using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Zhifu.Data.Entities;
using Zhifu.Tests.Hosting;

namespace Zhifu.Tests.RealName;

/// <summary>Face-to-face verification by operators at the counter (ACC-2, ACC-3), audited (SEC-1).</summary>
public sealed class FaceToFaceTests(RealNameServerFixture fixture) : IClassFixture<RealNameServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ACC3_a_doubtful_identity_becomes_class_three_once_an_operator_verifies_the_holder_face_to_face()
    {
        var server = fixture.Server;
        var holder = TestHolder.New();
        var (client, userId) = await RealNameKit.OpenWalletAsync(server, holder);
        await OperatorApiTests.AssertProblemAsync(await RealNameKit.VerifyAsync(client, holder), 422, "IDENTITY_DOUBTFUL");

        using var ops = await RealNameKit.OperatorAsync(server, "ops");
        var response = await RealNameKit.FaceToFaceAsync(ops, userId, holder, "GT-20261124-0007");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<FaceToFaceAnswer>(Ct);
        Assert.Equal((0, 3), (body!.ClassBefore, body.AccountClass));

        var status = await RealNameKit.StatusAsync(client);
        Assert.Equal(3, status.GetProperty("accountClass").GetInt32());
        Assert.True(status.GetProperty("faceToFace").GetBoolean());
        await using var db = server.Database.Options.CreateContext();
        var audit = await db.Set<AuditRow>().AsNoTracking().Where(a => a.Action == "real-name.face-to-face").ToListAsync(Ct);
        var entry = Assert.Single(audit, a => a.Target == $"user:{userId}");
        Assert.Equal(("ops", "operations"), (entry.Actor, entry.Role));
        Assert.Contains("GT-20261124-0007", entry.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACC2_customer_service_may_verify_face_to_face_and_a_class_one_wallet_rises_to_class_three()
    {
        var server = fixture.Server;
        var holder = TestHolder.New();
        var (client, userId) = await RealNameKit.VerifiedWalletAsync(server, holder, "CCB");
        using var service = await RealNameKit.OperatorAsync(server, "service");
        Assert.Equal(HttpStatusCode.OK, (await RealNameKit.FaceToFaceAsync(service, userId, holder)).StatusCode);
        Assert.Equal(3, (await RealNameKit.StatusAsync(client)).GetProperty("accountClass").GetInt32());
    }

    [Fact]
    public async Task SEC1_only_operations_and_service_staff_may_verify_face_to_face_and_bad_input_changes_nothing()
    {
        var server = fixture.Server;
        var holder = TestHolder.New();
        var (client, userId) = await RealNameKit.OpenWalletAsync(server, holder);
        using var anonymous = server.Client();
        using var risk = await RealNameKit.OperatorAsync(server, "risk");
        using var ops = await RealNameKit.OperatorAsync(server, "ops");

        await OperatorApiTests.AssertProblemAsync(await RealNameKit.FaceToFaceAsync(anonymous, userId, holder), 401, "OPS_SIGN_IN_REQUIRED");
        await OperatorApiTests.AssertProblemAsync(await RealNameKit.FaceToFaceAsync(risk, userId, holder), 403, "OPS_ROLE_FORBIDDEN");
        // Nothing to verify until the holder has submitted a name and ID number.
        await OperatorApiTests.AssertProblemAsync(await RealNameKit.FaceToFaceAsync(ops, userId, holder), 409, "REAL_NAME_NOT_SUBMITTED");
        await OperatorApiTests.AssertProblemAsync(await RealNameKit.FaceToFaceAsync(ops, Guid.CreateVersion7(), holder), 404, "USER_NOT_FOUND");
        await OperatorApiTests.AssertProblemAsync(await ops.PostAsJsonAsync("/api/ops/accounts/not-a-guid/face-to-face",
            new { ticket = "GT-1" }, Ct), 404, "NOT_FOUND");

        await RealNameKit.VerifyAsync(client, holder); // doubtful, but the claim is on record now
        foreach (var ticket in new[] { null, "", "   ", new string('T', 65), "GT\n1" })
        {
            await OperatorApiTests.AssertProblemAsync(await RealNameKit.FaceToFaceAsync(ops, userId, holder, ticket), 400, "TICKET_REQUIRED");
        }
        var url = $"/api/ops/accounts/{userId}/face-to-face";
        await OperatorApiTests.AssertProblemAsync(await ops.PostAsync(url, RealNameKit.Json("{\"ticket\": 5}"), Ct), 400,
            "INVALID_REQUEST");
        await OperatorApiTests.AssertProblemAsync(await ops.PostAsync(url, RealNameKit.Json("{\"ticket\": "), Ct), 400, "INVALID_REQUEST");
        await OperatorApiTests.AssertProblemAsync(await ops.PostAsync(url,
            RealNameKit.Json("{\"ticket\":\"" + new string('a', 100_000) + "\"}"), Ct), 413, "PAYLOAD_TOO_LARGE");

        Assert.Equal(0, (await RealNameKit.StatusAsync(client)).GetProperty("accountClass").GetInt32());
        await using var db = server.Database.Options.CreateContext();
        Assert.False(await db.Set<AuditRow>().AnyAsync(a => a.Target == $"user:{userId}", Ct));
    }

    [Fact]
    public async Task ACC3_a_wallet_that_claimed_someone_elses_identity_is_not_verified_by_its_holders_own_document()
    {
        var server = fixture.Server;
        var (holder, victim) = (TestHolder.New(), TestHolder.New());
        var (client, userId) = await RealNameKit.OpenWalletAsync(server, holder);
        // the wallet claims the victim's name and ID number (the sources find no match for the wallet's phone): on record
        await OperatorApiTests.AssertProblemAsync(await RealNameKit.VerifyAsync(client, victim with { Phone = holder.Phone }), 422,
            "IDENTITY_DOUBTFUL");
        using var ops = await RealNameKit.OperatorAsync(server, "ops");

        // at the counter the holder shows their own card: refused, nothing recorded
        await OperatorApiTests.AssertProblemAsync(await RealNameKit.FaceToFaceAsync(ops, userId, holder), 409,
            "REAL_NAME_DOCUMENT_MISMATCH");
        // the victim's number with another name, or the name with another number: refused as well
        await OperatorApiTests.AssertProblemAsync(await RealNameKit.FaceToFaceAsync(ops, userId, victim with { Name = holder.Name }), 409,
            "REAL_NAME_DOCUMENT_MISMATCH");
        await OperatorApiTests.AssertProblemAsync(await RealNameKit.FaceToFaceAsync(ops, userId, holder with { Name = victim.Name }), 409,
            "REAL_NAME_DOCUMENT_MISMATCH");
        await OperatorApiTests.AssertProblemAsync(await RealNameKit.FaceToFaceAsync(ops, userId, holder with { IdNumber = "12345" }), 400,
            "INVALID_ID_NUMBER");
        await OperatorApiTests.AssertProblemAsync(await RealNameKit.FaceToFaceAsync(ops, userId, holder with { Name = "" }), 400,
            "INVALID_NAME");
        var status = await RealNameKit.StatusAsync(client);
        Assert.Equal(0, status.GetProperty("accountClass").GetInt32());
        Assert.False(status.GetProperty("faceToFace").GetBoolean());
        await using var db = server.Database.Options.CreateContext();
        Assert.False(await db.Set<AuditRow>().AnyAsync(a => a.Target == $"user:{userId}", Ct));
        Assert.Null((await db.Set<RealNameRecordRow>().AsNoTracking().SingleAsync(r => r.UserId == userId, Ct)).FaceToFaceAt);
    }

    private sealed record FaceToFaceAnswer(Guid UserId, int ClassBefore, int AccountClass, string ClassName);
}
