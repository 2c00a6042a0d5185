using System.Net;
using System.Net.Http.Headers;
using EfaPlatform.Contracts.Documents.V1;
using EfaPlatform.Contracts.Events.V1;
using EfaPlatform.TestInfrastructure;
using Grpc.Core;
using Grpc.Net.Client;

namespace EfaPlatform.Documents.Tests;

/// <summary>Attaches a citizen's document to a new submission of a tenant the way the platform does: held by ReserveAttachments, attached by submission.submitted.</summary>
public static class Attaching
{
    /// <returns>The submission's id.</returns>
    public static async Task<string> AttachAsync(DocumentsServiceFixture fixture, string ownerToken, string documentId, string tenantId)
    {
        var submissionId = Guid.CreateVersion7().ToString();
        using var channel = GrpcChannel.ForAddress(fixture.GrpcUrl);
        var reserve = new ReserveAttachmentsRequest
        {
            SubmissionId = submissionId, TenantId = tenantId,
            Attachments = { new AttachmentCheck { FieldPath = "proof", DocumentId = documentId, MediaTypes = { "application/pdf" }, MaxBytes = 1_000_000 } },
        };
        var reserved = await new DocumentsService.DocumentsServiceClient(channel).ReserveAttachmentsAsync(reserve,
            new Metadata { { "authorization", $"Bearer {ownerToken}" } }, deadline: DateTime.UtcNow.AddSeconds(30));
        Assert.Empty(reserved.Problems);
        await KafkaProbe.PublishAsync(fixture.KafkaBootstrapServers,
            new SubmissionSubmitted { SubmissionId = submissionId, TenantId = tenantId, ServiceId = "test", Reference = "HD-2026-000001" },
            submissionId, Guid.NewGuid().ToString());
        var caseworker = fixture.Issuer.Issue(TestIssuer.Person($"staff-{Guid.NewGuid():N}", tenant: tenantId, role: "caseworker"));
        using var http = new HttpClient { BaseAddress = new Uri(fixture.HttpUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", caseworker);
        await Eventually.WaitAsync(async () => (await http.GetAsync($"/api/documents/v1/documents/{documentId}")).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(60), "the document is attached");
        return submissionId;
    }
}
