using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using EfaPlatform.Contracts.Documents.V1;
using EfaPlatform.TestInfrastructure;
using Grpc.Core;
using Grpc.Net.Client;

namespace EfaPlatform.Documents.Tests;

/// <summary>
/// Who may do what with a document attached to a submission of tenant A: held through ReserveAttachments with the
/// owner's token (as forms does), attached by a real submission.submitted event on the development cluster.
/// </summary>
[Collection(DocumentsServiceCollection.Name)]
public sealed class AccessTests(DocumentsServiceFixture fixture) : DocumentsApi(fixture.HttpUrl)
{
    private static readonly string TenantA = Guid.NewGuid().ToString();
    private static readonly string TenantB = Guid.NewGuid().ToString();

    private string Token(params Claim[] claims) => fixture.Issuer.Issue(claims);

    private async Task<string> AttachedDocumentAsync(string owner)
    {
        var (_, uploaded, _) = await UploadAsync(owner, new ByteArrayContent(Pdf()), "Nachweis.pdf");
        var documentId = uploaded.GetProperty("documentId").GetString()!;
        await Attaching.AttachAsync(fixture, owner, documentId, TenantA);
        return documentId;
    }

    [Fact]
    public async Task An_attached_document_is_read_by_its_owner_the_tenants_staff_and_routing_and_deleted_by_nobody()
    {
        var owner = fixture.CitizenToken($"citizen-{Guid.NewGuid():N}");
        var documentId = await AttachedDocumentAsync(owner);
        var actors = new (string Name, string? Token, HttpStatusCode Read, HttpStatusCode List, HttpStatusCode Delete)[]
        {
            ("owner", owner, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.BadRequest),
            ("other citizen", fixture.CitizenToken($"citizen-{Guid.NewGuid():N}"), HttpStatusCode.NotFound, HttpStatusCode.OK, HttpStatusCode.NotFound),
            ("caseworker of A", Token(TestIssuer.Person("cw-a", tenant: TenantA, role: "caseworker")), HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden),
            ("tenant-admin of A", Token(TestIssuer.Person("admin-a", tenant: TenantA, role: "tenant-admin")), HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden),
            ("caseworker of B", Token(TestIssuer.Person("cw-b", tenant: TenantB, role: "caseworker")), HttpStatusCode.NotFound, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden),
            ("tenant-admin of B", Token(TestIssuer.Person("admin-b", tenant: TenantB, role: "tenant-admin")), HttpStatusCode.NotFound, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden),
            ("platform-admin", Token(TestIssuer.Person("operator", role: "platform-admin")), HttpStatusCode.NotFound, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden),
            ("routing (role service, documents scope)", Token(new Claim("sub", "routing"), new Claim("role", "service"), new Claim("scope", "efa.documents")),
                HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden),
            ("a client without tenant that is not a platform service", Token(new Claim("sub", "stray"), new Claim("role", "client"), new Claim("scope", "efa.documents")),
                HttpStatusCode.NotFound, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden),
            ("machine client of B", Token(TestIssuer.Machine("client-b", TenantB, "efa.documents")), HttpStatusCode.NotFound, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden),
            ("machine client without the scope", Token(TestIssuer.Machine("client-a", TenantA, "efa.forms")), HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden),
            ("anonymous", null, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized),
        };

        foreach (var actor in actors)
        {
            foreach (var path in new[] { $"/api/documents/v1/documents/{documentId}", $"/api/documents/v1/documents/{documentId}/content" })
            {
                using var read = await GetAsync(path, actor.Token);
                Assert.True(actor.Read == read.StatusCode, $"{actor.Name} GET {path}: {read.StatusCode}, expected {actor.Read}");
            }

            using var list = await GetAsync("/api/documents/v1/documents", actor.Token);
            Assert.True(actor.List == list.StatusCode, $"{actor.Name} lists: {list.StatusCode}, expected {actor.List}");
            if (list.StatusCode == HttpStatusCode.OK)
            {
                Assert.Equal(actor.Name == "owner", (await list.Content.ReadAsStringAsync()).Contains(documentId, StringComparison.Ordinal));
            }

            using var delete = new HttpRequestMessage(HttpMethod.Delete, $"/api/documents/v1/documents/{documentId}");
            if (actor.Token is not null)
            {
                delete.Headers.Authorization = new AuthenticationHeaderValue("Bearer", actor.Token);
            }

            using var deleted = await _http.SendAsync(delete);
            Assert.True(actor.Delete == deleted.StatusCode, $"{actor.Name} deletes: {deleted.StatusCode}, expected {actor.Delete}");
            Assert.Equal(ProblemJson, deleted.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal(HttpStatusCode.OK, (await GetAsync($"/api/documents/v1/documents/{documentId}/content", owner)).StatusCode);
    }

    [Fact]
    public async Task Holding_refuses_another_citizens_document_and_an_unscanned_one_and_then_holds_none()
    {
        var owner = fixture.CitizenToken($"citizen-{Guid.NewGuid():N}");
        var other = fixture.CitizenToken($"citizen-{Guid.NewGuid():N}");
        var (_, mine, _) = await UploadAsync(owner, new ByteArrayContent(Pdf()), "a.pdf");
        var (_, unscanned, _) = await UploadAsync(owner, new ByteArrayContent(Pdf()), "c.pdf");
        var (_, theirs, _) = await UploadAsync(other, new ByteArrayContent(Pdf()), "b.pdf");
        await using (var database = new Npgsql.NpgsqlConnection(fixture.DatabaseConnectionString))
        {
            await database.OpenAsync();
            await using var markUnscannable = new Npgsql.NpgsqlCommand("update documents set status = 'scan_failed', threat = 'timeout' where document_id = $1", database)
            {
                Parameters = { new Npgsql.NpgsqlParameter { Value = Guid.Parse(unscanned.GetProperty("documentId").GetString()!) } },
            };
            await markUnscannable.ExecuteNonQueryAsync(); // as if clamd could not scan it (the scan worker retries only pending_scan)
        }

        using var channel = GrpcChannel.ForAddress(fixture.GrpcUrl);
        var reserve = new ReserveAttachmentsRequest
        {
            SubmissionId = Guid.CreateVersion7().ToString(), TenantId = TenantA,
            Attachments =
            {
                new AttachmentCheck { FieldPath = "mine", DocumentId = mine.GetProperty("documentId").GetString() },
                new AttachmentCheck { FieldPath = "unscanned", DocumentId = unscanned.GetProperty("documentId").GetString() },
                new AttachmentCheck { FieldPath = "theirs", DocumentId = theirs.GetProperty("documentId").GetString() },
                new AttachmentCheck { FieldPath = "garbage", DocumentId = "../../etc/passwd" },
                new AttachmentCheck { FieldPath = "again", DocumentId = mine.GetProperty("documentId").GetString() },
            },
        };

        var answer = await new DocumentsService.DocumentsServiceClient(channel).ReserveAttachmentsAsync(reserve,
            new Metadata { { "authorization", $"Bearer {owner}" } }, deadline: DateTime.UtcNow.AddSeconds(30));

        // Every problem at once, so the citizen can fix them all; the malformed id too.
        Assert.Equal([("unscanned", "attachmentNotScanned"), ("theirs", "attachmentUnknown"), ("garbage", "attachmentUnknown"), ("again", "attachmentRepeated")],
            answer.Problems.Select(p => (p.FieldPath, p.Code)));
        using var delete = new HttpRequestMessage(HttpMethod.Delete, $"/api/documents/v1/documents/{mine.GetProperty("documentId").GetString()}");
        delete.Headers.Authorization = new AuthenticationHeaderValue("Bearer", owner);
        Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(delete)).StatusCode); // nothing was held
    }
}
