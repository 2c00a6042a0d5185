using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using EfaPlatform.AppHost;
using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.Routing.Tests;

/// <summary>
/// Each catalog service end to end through the gateway of the whole platform: submitted (and paid), delivered to the
/// destination the development directory names (the caseworker inbox, the push receiver, the pull API), decided with
/// a Bescheid, and the citizen sees the decision and the document in the mailbox.
/// </summary>
[Collection(RoutingPlatformCollection.Name)]
public sealed class JourneyTests(PlatformFixture fixture) : IDisposable
{
    private readonly RoutingPlatform _platform = new(fixture);

    public void Dispose() => _platform.Dispose();

    private async Task<string> IssueBescheidAsync(string staffToken) =>
        await _platform.UploadAsync(staffToken, RoutingPlatform.Pdf(8_000), "Bescheid.pdf");

    private async Task CitizenSeesTheDecisionAsync(string citizen, string submissionId, string status, string documentId)
    {
        await _platform.SubmissionIsAsync(citizen, submissionId, status);
        var (_, mailbox) = await _platform.Http.SendAsync(HttpMethod.Get, "/api/documents/v1/mailbox", citizen);
        var listed = mailbox.GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("submissionId").GetString() == submissionId);
        var (_, message) = await _platform.Http.SendAsync(HttpMethod.Post, $"/api/documents/v1/mailbox/{listed.GetProperty("messageId").GetString()}:read", citizen, new { });
        Assert.Equal(documentId, Assert.Single(message.GetProperty("documents").EnumerateArray()).GetProperty("documentId").GetString());
        using var download = new HttpRequestMessage(HttpMethod.Get, $"/api/documents/v1/documents/{documentId}/content");
        download.Headers.Authorization = new AuthenticationHeaderValue("Bearer", citizen);
        using var response = await _platform.Http.SendAsync(download);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = await _platform.RoutingEventsAsync(submissionId);
        Assert.Equal(["de.efa.routing.submission.delivered.v1", "de.efa.routing.submission.decided.v1"], events.Select(e => e.Type));
    }

    [Fact]
    public async Task A_free_registration_lands_in_the_caseworker_inbox_and_the_caseworker_decides_it()
    {
        var citizen = await _platform.CitizenAsync();
        var attachment = RoutingPlatform.Pdf(120_000);
        var submissionId = await _platform.SubmitAsync(citizen, RoutingPlatform.Registration, attachment);

        var delivery = await _platform.DeliveryAsync(submissionId, "delivered");
        Assert.Equal(("buergeramt", "inbox"), (delivery.GetProperty("unitId").GetString(), delivery.GetProperty("channel").GetString()));
        await _platform.SubmissionIsAsync(citizen, submissionId, "delivered");
        var caseworker = await _platform.CaseworkerAsync();
        var (_, inbox) = await _platform.Http.SendAsync(HttpMethod.Get, $"/api/routing/v1/tenants/{DevelopmentTenant.Id}/inbox?status=open&pageSize=100", caseworker);
        Assert.Contains(inbox.GetProperty("deliveries").EnumerateArray(), d => d.GetProperty("submissionId").GetString() == submissionId);

        var deliveryId = delivery.GetProperty("deliveryId").GetString()!;
        var (fetched, content) = await _platform.Http.SendAsync(HttpMethod.Get, $"/api/routing/v1/deliveries/{deliveryId}/content", caseworker);
        Assert.True(fetched == HttpStatusCode.OK, content.ToString());
        Assert.Equal("2026-11-01", content.GetProperty("answers").GetProperty("moveInDate").GetString());
        var attached = Assert.Single(content.GetProperty("attachments").EnumerateArray());
        Assert.Equal(("landlordConfirmation", "Wohnungsgeberbestätigung.pdf", 120_000L),
            (attached.GetProperty("fieldPath").GetString(), attached.GetProperty("fileName").GetString(), attached.GetProperty("sizeBytes").GetInt64()));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/routing/v1/deliveries/{deliveryId}/attachments/{attached.GetProperty("documentId").GetString()}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", caseworker);
        using var response = await _platform.Http.SendAsync(request);
        Assert.Equal(attachment, await response.Content.ReadAsByteArrayAsync());

        var bescheid = await IssueBescheidAsync(caseworker);
        var (decided, decision) = await _platform.Http.SendAsync(HttpMethod.Post, $"/api/routing/v1/submissions/{submissionId}/decision", caseworker,
            new { outcome = "approved", message = "Ihre Anmeldung ist eingetragen. Die Meldebestätigung liegt bei.", documentIds = new[] { bescheid } }, Guid.NewGuid().ToString());
        Assert.True(decided == HttpStatusCode.OK, decision.ToString());
        var (again, refusal) = await _platform.Http.SendAsync(HttpMethod.Post, $"/api/routing/v1/submissions/{submissionId}/decision", caseworker,
            new { outcome = "rejected", message = "Doch nicht." }, Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.Conflict, again);
        Assert.Contains("decided already", refusal.GetProperty("detail").GetString());

        await CitizenSeesTheDecisionAsync(citizen, submissionId, "decided", bescheid);
        var (_, decidedInbox) = await _platform.Http.SendAsync(HttpMethod.Get, $"/api/routing/v1/tenants/{DevelopmentTenant.Id}/inbox?status=decided&pageSize=100", caseworker);
        Assert.Contains(decidedInbox.GetProperty("deliveries").EnumerateArray(), d => d.GetProperty("submissionId").GetString() == submissionId
            && d.GetProperty("outcome").GetString() == "approved");
    }

    [Fact]
    public async Task A_paid_parking_permit_is_pushed_signed_to_the_specialist_system_which_rejects_it()
    {
        using var receiver = await PushReceiverClient.OfAsync(fixture);
        var citizen = await _platform.CitizenAsync();
        var attachment = RoutingPlatform.Pdf(60_000);
        var submissionId = await _platform.SubmitAsync(citizen, RoutingPlatform.ParkingPermit, attachment);
        Assert.Equal("waiting", (await _platform.DeliveryAsync(submissionId, "waiting")).GetProperty("state").GetString());
        await _platform.PayAsync(citizen, submissionId);

        var delivery = await _platform.DeliveryAsync(submissionId, "delivered");
        var taken = await receiver.DeliveryOfAsync(submissionId);
        Assert.Equal(taken.GetProperty("receiptId").GetString(), delivery.GetProperty("receiptId").GetString());
        Assert.Equal(1, taken.GetProperty("received").GetInt32());

        var (body, timestamp, signature) = await receiver.RawAsync(delivery.GetProperty("deliveryId").GetString()!);
        Assert.Equal(signature, NodeHmacSha512(fixture.Platform.Secret("push-receiver-callback"), timestamp, body));
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        Assert.Equal("HD-AB 123", root.GetProperty("answers").GetProperty("licensePlate").GetString());
        var pushed = Assert.Single(root.GetProperty("attachments").EnumerateArray());
        Assert.Equal(attachment, pushed.GetProperty("content").GetBytesFromBase64());
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(attachment)), pushed.GetProperty("sha256").GetString());

        var system = await _platform.SpecialistSystemAsync();
        var bescheid = await IssueBescheidAsync(system);
        var (decided, decision) = await _platform.Http.SendAsync(HttpMethod.Post, $"/api/routing/v1/submissions/{submissionId}/decision", system,
            new { outcome = "rejected", message = "Für diese Adresse gibt es keine Bewohnerparkzone.", documentIds = new[] { bescheid } }, Guid.NewGuid().ToString());
        Assert.True(decided == HttpStatusCode.OK, decision.ToString());
        await CitizenSeesTheDecisionAsync(citizen, submissionId, "rejected", bescheid);
    }

    [Fact]
    public async Task A_paid_certificate_waits_in_the_pull_API_until_the_specialist_system_acknowledges_it_once()
    {
        var citizen = await _platform.CitizenAsync("dev-max-mustermann");
        var submissionId = await _platform.SubmitAsync(citizen, RoutingPlatform.Certificate);
        await _platform.PayAsync(citizen, submissionId);
        var system = await _platform.SpecialistSystemAsync();
        var (_, responsible) = await _platform.Http.SendAsync(HttpMethod.Get,
            $"/api/routing/v1/tenants/{DevelopmentTenant.Id}/responsibility?leikaKey={RoutingPlatform.CertificateLeika}", system);
        Assert.Equal("pull", responsible.GetProperty("channel").GetString());
        var pending = $"/api/routing/v1/destinations/{responsible.GetProperty("destinationId").GetString()}/pending?pageSize=100";

        var offered = await _platform.DeliveryAsync(submissionId, "offered");
        var deliveryId = offered.GetProperty("deliveryId").GetString()!;
        for (var fetch = 0; fetch < 2; fetch++)
        {
            var (_, list) = await _platform.Http.SendAsync(HttpMethod.Get, pending, system);
            Assert.Contains(list.GetProperty("deliveries").EnumerateArray(), d => d.GetProperty("deliveryId").GetString() == deliveryId);
            var (status, content) = await _platform.Http.SendAsync(HttpMethod.Get, $"/api/routing/v1/deliveries/{deliveryId}/content", system);
            Assert.True(status == HttpStatusCode.OK, content.ToString());
            Assert.Equal("Einstellung als Erzieherin", content.GetProperty("answers").GetProperty("purpose").GetString());
        }

        for (var acknowledgement = 0; acknowledgement < 2; acknowledgement++)
        {
            var (acknowledged, delivery) = await _platform.Http.SendAsync(HttpMethod.Post, $"/api/routing/v1/deliveries/{deliveryId}:acknowledge", system,
                new { receiptId = "FZ-2026-4711" }, Guid.NewGuid().ToString());
            Assert.True(acknowledged == HttpStatusCode.OK, delivery.ToString());
            Assert.Equal(("delivered", "FZ-2026-4711"), (delivery.GetProperty("state").GetString(), delivery.GetProperty("receiptId").GetString()));
        }

        var (_, after) = await _platform.Http.SendAsync(HttpMethod.Get, pending, system);
        Assert.DoesNotContain(after.GetProperty("deliveries").EnumerateArray(), d => d.GetProperty("deliveryId").GetString() == deliveryId);
        await _platform.SubmissionIsAsync(citizen, submissionId, "delivered");

        var bescheid = await IssueBescheidAsync(system);
        var (decided, decision) = await _platform.Http.SendAsync(HttpMethod.Post, $"/api/routing/v1/submissions/{submissionId}/decision", system,
            new { outcome = "approved", message = "Das Führungszeugnis wird Ihnen zugesandt.", documentIds = new[] { bescheid } }, Guid.NewGuid().ToString());
        Assert.True(decided == HttpStatusCode.OK, decision.ToString());
        await CitizenSeesTheDecisionAsync(citizen, submissionId, "decided", bescheid);
    }

    /// <summary>The signature computed by another implementation (Node.js's crypto), from the bytes as they arrived.</summary>
    private static string NodeHmacSha512(string secret, string timestamp, string body)
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, body, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        try
        {
            using var node = Process.Start(new ProcessStartInfo("node",
                ["-e", "const c=require('crypto');process.stdout.write(c.createHmac('sha512',process.argv[2]).update(process.argv[3]+'.').update(require('fs').readFileSync(process.argv[1])).digest('hex'))",
                 file, secret, timestamp]) { RedirectStandardOutput = true })!;
            var output = node.StandardOutput.ReadToEnd();
            node.WaitForExit();
            Assert.Equal(0, node.ExitCode);
            return output;
        }
        finally
        {
            File.Delete(file);
        }
    }
}
