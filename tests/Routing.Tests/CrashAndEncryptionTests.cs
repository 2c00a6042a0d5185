using System.Security.Cryptography;
using System.Text.Json;
using EfaPlatform.TestInfrastructure;
using Microsoft.AspNetCore.WebUtilities;

namespace EfaPlatform.Routing.Tests;

/// <summary>Routing killed with SIGKILL while it delivers, and deliveries end-to-end encrypted to the destination's key.</summary>
[Collection(RoutingPlatformCollection.Name)]
public sealed class CrashAndEncryptionTests(PlatformFixture fixture) : IAsyncLifetime
{
    private const int Submissions = 12;
    private readonly RoutingPlatform _platform = new(fixture);
    private PushReceiverClient _receiver = null!;

    public async Task InitializeAsync() => _receiver = await PushReceiverClient.OfAsync(fixture);

    public async Task DisposeAsync()
    {
        await _receiver.FaultsAsync();
        _receiver.Dispose();
        _platform.Dispose();
    }

    [Fact]
    public async Task Killed_while_delivering_routing_loses_nothing_and_the_receiver_takes_each_submission_once()
    {
        var directory = new DevelopmentDirectoryClient(_platform);
        await directory.WithDestinationsAsync("buergeramt", new { channel = "push", pushUrl = await directory.ReceiverUrlAsync(), callbackSecret = directory.ReceiverSecret });
        try
        {
            // Slow answers keep several deliveries in flight when the process dies.
            await _receiver.FaultsAsync(delayMs: 400, delayNext: 1_000);
            var citizen = await _platform.CitizenAsync();
            var submissions = new List<string>();
            for (var i = 0; i < Submissions; i++)
            {
                submissions.Add(await _platform.SubmitAsync(citizen, RoutingPlatform.Registration));
            }

            await Eventually.WaitAsync(async () => (await _receiver.DeliveriesAsync()).Count(d => submissions.Contains(d.GetProperty("submissionId").GetString()!)) >= 2,
                TimeSpan.FromSeconds(60), "the first deliveries arrive");
            var takenBeforeKill = (await _receiver.DeliveriesAsync()).Count(d => submissions.Contains(d.GetProperty("submissionId").GetString()!));
            await fixture.Platform.KillAndAwaitRestartAsync("routing");
            Assert.True(takenBeforeKill < Submissions, "routing was killed before it had delivered everything");

            foreach (var submissionId in submissions)
            {
                await _platform.DeliveryAsync(submissionId, "delivered", TimeSpan.FromSeconds(90));
            }

            var taken = (await _receiver.DeliveriesAsync()).Where(d => submissions.Contains(d.GetProperty("submissionId").GetString()!)).ToList();
            Assert.Equal(submissions.Order(), taken.Select(d => d.GetProperty("submissionId").GetString()!).Order());
            foreach (var submissionId in submissions)
            {
                Assert.Single(await _platform.RoutingEventsAsync(submissionId, TimeSpan.FromSeconds(1)), e => e.Type == "de.efa.routing.submission.delivered.v1");
            }
        }
        finally
        {
            await _receiver.FaultsAsync();
            await directory.WithDestinationsAsync("buergeramt", new { channel = "inbox" });
        }
    }

    [Fact]
    public async Task A_destination_with_a_key_receives_a_JWE_that_a_standard_JOSE_library_decrypts()
    {
        using var key = RSA.Create(2048);
        var parameters = key.ExportParameters(includePrivateParameters: false);
        var jwk = JsonSerializer.Serialize(new
        {
            kty = "RSA", kid = "fachverfahren-2026", use = "enc", alg = "RSA-OAEP-256",
            n = WebEncoders.Base64UrlEncode(parameters.Modulus!), e = WebEncoders.Base64UrlEncode(parameters.Exponent!),
        });
        var directory = new DevelopmentDirectoryClient(_platform);
        var destination = (await directory.UnitAsync("verkehrsbehoerde")).GetProperty("destinations")[0];
        var keep = new { destinationId = destination.GetProperty("destinationId").GetString(), channel = "push", pushUrl = destination.GetProperty("pushUrl").GetString() };
        await directory.WithDestinationsAsync("verkehrsbehoerde", new { keep.destinationId, keep.channel, keep.pushUrl, encryptionKey = jwk });
        try
        {
            var attachment = RoutingPlatform.Pdf(40_000);
            var submissionId = await _platform.SubmitAndPayAsync(RoutingPlatform.ParkingPermit, attachment);
            var delivery = await _platform.DeliveryAsync(submissionId, "delivered");
            var taken = await _receiver.DeliveryOfAsync(submissionId);
            Assert.True(taken.GetProperty("encrypted").GetBoolean());

            var (body, _, _) = await _receiver.RawAsync(delivery.GetProperty("deliveryId").GetString()!);
            using var outer = JsonDocument.Parse(body);
            Assert.False(outer.RootElement.TryGetProperty("answers", out _));
            var jwe = outer.RootElement.GetProperty("encryptedContent").GetString()!;
            var header = JsonDocument.Parse(WebEncoders.Base64UrlDecode(jwe.Split('.')[0])).RootElement;
            Assert.Equal(("RSA-OAEP-256", "A256GCM", "fachverfahren-2026"), (header.GetProperty("alg").GetString(), header.GetProperty("enc").GetString(), header.GetProperty("kid").GetString()));

            var plaintext = Jose.JWT.Decode(jwe, key, Jose.JweAlgorithm.RSA_OAEP_256, Jose.JweEncryption.A256GCM);
            using var inner = JsonDocument.Parse(plaintext);
            Assert.Equal("HD-AB 123", inner.RootElement.GetProperty("answers").GetProperty("licensePlate").GetString());
            Assert.Equal(attachment, inner.RootElement.GetProperty("attachments")[0].GetProperty("content").GetBytesFromBase64());
            Assert.Equal(submissionId, inner.RootElement.GetProperty("submissionId").GetString());
        }
        finally
        {
            await directory.WithDestinationsAsync("verkehrsbehoerde", keep);
        }
    }
}
