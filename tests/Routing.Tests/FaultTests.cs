using System.Net;
using System.Text.Json;
using EfaPlatform.AppHost;
using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.Routing.Tests;

/// <summary>
/// A push destination that fails, is slow, cuts the connection or is down: each delivery takes effect once at the
/// receiver, every attempt is recorded, and after the limit it is parked until an operator re-drives it.
/// </summary>
[Collection(RoutingPlatformCollection.Name)]
public sealed class FaultTests(PlatformFixture fixture) : IAsyncLifetime
{
    private readonly RoutingPlatform _platform = new(fixture);
    private PushReceiverClient _receiver = null!;

    public async Task InitializeAsync() => _receiver = await PushReceiverClient.OfAsync(fixture);

    public async Task DisposeAsync()
    {
        await _receiver.FaultsAsync();
        _receiver.Dispose();
        _platform.Dispose();
    }

    private async Task<List<(string Outcome, int Status)>> AttemptsAsync(JsonElement delivery)
    {
        var (_, attempts) = await _platform.Http.SendAsync(HttpMethod.Get, $"/api/routing/v1/deliveries/{delivery.GetProperty("deliveryId").GetString()}/attempts",
            await _platform.CaseworkerAsync());
        return [.. attempts.GetProperty("attempts").EnumerateArray().Select(a => (a.GetProperty("outcome").GetString()!, a.GetProperty("statusCode").GetInt32()))];
    }

    [Fact]
    public async Task Answered_500_twice_and_then_200_it_is_delivered_once_with_every_attempt_recorded()
    {
        await _receiver.FaultsAsync(failNext: 2, status: 500);
        var submissionId = await _platform.SubmitAndPayAsync(RoutingPlatform.ParkingPermit);

        var delivery = await _platform.DeliveryAsync(submissionId, "delivered");

        Assert.Equal([("failed", 500), ("failed", 500), ("delivered", 200)], await AttemptsAsync(delivery));
        Assert.Equal(1, (await _receiver.DeliveryOfAsync(submissionId)).GetProperty("received").GetInt32());
        Assert.Single(await _platform.RoutingEventsAsync(submissionId), e => e.Type == "de.efa.routing.submission.delivered.v1");
    }

    [Fact]
    public async Task A_destination_that_answers_too_late_or_cuts_the_connection_sees_the_delivery_take_effect_once()
    {
        await _receiver.FaultsAsync(delayMs: 3_000, delayNext: 1);
        var slow = await _platform.SubmitAndPayAsync(RoutingPlatform.ParkingPermit);
        var slowDelivery = await _platform.DeliveryAsync(slow, "delivered");
        // It took the first attempt, answered after routing had given up, and ignored the repeat.
        Assert.Equal(2, (await _receiver.DeliveryOfAsync(slow)).GetProperty("received").GetInt32());
        Assert.Equal([("failed", 0), ("delivered", 200)], await AttemptsAsync(slowDelivery));
        Assert.Single(await _receiver.DeliveriesAsync(), d => d.GetProperty("submissionId").GetString() == slow);

        await _receiver.FaultsAsync(closeNext: 1);
        var cut = await _platform.SubmitAndPayAsync(RoutingPlatform.ParkingPermit);
        var cutDelivery = await _platform.DeliveryAsync(cut, "delivered");
        Assert.Equal([("failed", 0), ("delivered", 200)], await AttemptsAsync(cutDelivery));
        Assert.Equal(1, (await _receiver.DeliveryOfAsync(cut)).GetProperty("received").GetInt32());
    }

    [Fact]
    public async Task A_destination_down_parks_the_delivery_after_the_limit_and_the_re_drive_delivers_it()
    {
        await _receiver.FaultsAsync(down: true);
        var submissionId = await _platform.SubmitAndPayAsync(RoutingPlatform.ParkingPermit);

        var parked = await _platform.DeliveryAsync(submissionId, "parked");
        Assert.Equal(Enumerable.Repeat(("failed", 503), PlatformFixture.RoutingMaxAttempts), await AttemptsAsync(parked));
        Assert.Equal("The destination answered 503.", parked.GetProperty("lastError").GetString());
        var admin = await _platform.TenantAdminAsync();
        var (_, list) = await _platform.Http.SendAsync(HttpMethod.Get, $"/api/routing/v1/tenants/{DevelopmentTenant.Id}/deliveries?state=parked&pageSize=100", admin);
        Assert.Contains(list.GetProperty("deliveries").EnumerateArray(), d => d.GetProperty("submissionId").GetString() == submissionId);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(PlatformFixture.RoutingMaxAttempts, (await AttemptsAsync(parked)).Count);

        await _receiver.FaultsAsync();
        var (redriven, delivery) = await _platform.Http.SendAsync(HttpMethod.Post, $"/api/routing/v1/deliveries/{parked.GetProperty("deliveryId").GetString()}:redrive",
            admin, new { }, Guid.NewGuid().ToString());
        Assert.True(redriven == HttpStatusCode.OK, delivery.ToString());
        var delivered = await _platform.DeliveryAsync(submissionId, "delivered");
        Assert.Equal(("delivered", 200), (await AttemptsAsync(delivered))[^1]);
        Assert.Equal(1, (await _receiver.DeliveryOfAsync(submissionId)).GetProperty("received").GetInt32());
        var (again, refusal) = await _platform.Http.SendAsync(HttpMethod.Post, $"/api/routing/v1/deliveries/{parked.GetProperty("deliveryId").GetString()}:redrive",
            admin, new { }, Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.BadRequest, again);
        Assert.Contains("only a parked or unroutable delivery is re-driven", refusal.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_push_address_inside_a_private_network_is_not_connected_to()
    {
        var directory = new DevelopmentDirectoryClient(_platform);
        var destination = (await directory.UnitAsync("verkehrsbehoerde")).GetProperty("destinations")[0];
        var keep = new { destinationId = destination.GetProperty("destinationId").GetString(), channel = "push", pushUrl = destination.GetProperty("pushUrl").GetString() };
        await directory.WithDestinationsAsync("verkehrsbehoerde", keep with { pushUrl = "https://10.12.0.7/eingang" });
        try
        {
            var submissionId = await _platform.SubmitAndPayAsync(RoutingPlatform.ParkingPermit);
            var parked = await _platform.DeliveryAsync(submissionId, "parked");
            Assert.StartsWith("No answer from the destination: 10.12.0.7 has no address push deliveries may reach", parked.GetProperty("lastError").GetString());
        }
        finally
        {
            await directory.WithDestinationsAsync("verkehrsbehoerde", keep);
        }
    }

    [Fact]
    public async Task With_nobody_responsible_the_submission_shows_it_and_the_next_directory_change_delivers_it()
    {
        var directory = new DevelopmentDirectoryClient(_platform);
        var ordnungsamt = await directory.UnitAsync("ordnungsamt");
        var admin = await _platform.TenantAdminAsync();
        Assert.Equal(HttpStatusCode.OK, (await _platform.Http.SendAsync(HttpMethod.Delete, $"/api/routing/v1/tenants/{DevelopmentTenant.Id}/units/ordnungsamt", admin)).Status);
        var submissionId = "";
        try
        {
            submissionId = await _platform.SubmitAndPayAsync(RoutingPlatform.Certificate);
            var unroutable = await _platform.DeliveryAsync(submissionId, "unroutable");
            Assert.Equal("Nobody in the directory is responsible for LeiKa key 99116004012000 in area 082210000000.", unroutable.GetProperty("lastError").GetString());
            // The citizen's submission says so in its history instead of seeming to vanish.
            var citizen = await _platform.CitizenAsync();
            await Eventually.WaitAsync(async () =>
                (await _platform.Http.SendAsync(HttpMethod.Get, $"/api/forms/v1/submissions/{submissionId}", citizen)).Body.GetProperty("history").EnumerateArray()
                .Any(change => change.GetProperty("reason").GetString() == "waiting: no office of the municipality is responsible for it yet; it is sent as soon as one is"),
                TimeSpan.FromSeconds(30), "the submission's history says nobody is responsible yet");
        }
        finally
        {
            var (status, body) = await _platform.Http.SendAsync(HttpMethod.Put, $"/api/routing/v1/tenants/{DevelopmentTenant.Id}/units/ordnungsamt", admin,
                new
                {
                    name = ordnungsamt.GetProperty("name").GetString(), leikaKeys = ordnungsamt.GetProperty("leikaKeys"), areas = ordnungsamt.GetProperty("areas"),
                    contact = ordnungsamt.GetProperty("contact"), destinations = new[] { new { channel = "pull" } },
                }, Guid.NewGuid().ToString());
            Assert.True(status == HttpStatusCode.OK, body.ToString());
        }

        await _platform.DeliveryAsync(submissionId, "offered");
    }
}
